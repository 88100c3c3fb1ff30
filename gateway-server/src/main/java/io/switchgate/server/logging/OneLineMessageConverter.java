package io.switchgate.server.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %oneLineMsg}: the formatted message with every run of CR/LF made one space, so one event is one line (a
 * value from a terminal can never start a forged line). Same output as {@code %replace(%msg){'[\r\n]+', ' '}}, without
 * a regular expression per line: a message with no line break, the usual case, is returned as it is.
 */
public final class OneLineMessageConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return oneLine(event.getFormattedMessage(), " ", false);
    }

    /**
     * {@code s} with each run of CR/LF (and of tabs too, if {@code tabs}) replaced by {@code with}; {@code s} itself
     * when it has none.
     */
    static String oneLine(String s, String with, boolean tabs) {
        if (s == null) return null;
        int i = 0;
        int n = s.length();
        while (i < n && !isBreak(s.charAt(i), tabs)) i++;
        if (i == n) return s;
        StringBuilder sb = new StringBuilder(n + 16).append(s, 0, i);
        while (i < n) {
            char c = s.charAt(i);
            if (isBreak(c, tabs)) {
                sb.append(with);
                while (i < n && isBreak(s.charAt(i), tabs)) i++;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    private static boolean isBreak(char c, boolean tabs) {
        return c == '\r' || c == '\n' || (tabs && c == '\t');
    }
}
