package io.switchgate.server.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %oneLineMsg}: the formatted message with every run of line breaks (CR, LF, and NEL, LS, PS, which some
 * viewers break lines at) made one space, so one event is one line (a value from a terminal can never start a forged
 * line), and every other control character (NUL, ESC, C1 ...) a {@code ?}, so a terminal's bytes cannot drive the
 * operator's terminal either. Without a regular expression per line: a message with neither, the usual case, is
 * returned as it is.
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
        while (i < n && !isBreak(s.charAt(i), tabs) && !isControl(s.charAt(i))) i++;
        if (i == n) return s;
        StringBuilder sb = new StringBuilder(n + 16).append(s, 0, i);
        while (i < n) {
            char c = s.charAt(i);
            if (isBreak(c, tabs)) {
                sb.append(with);
                while (i < n && isBreak(s.charAt(i), tabs)) i++;
            } else {
                sb.append(isControl(c) ? '?' : c);
                i++;
            }
        }
        return sb.toString();
    }

    private static boolean isBreak(char c, boolean tabs) {
        return c == '\r' || c == '\n' || c == '\u0085' || c == '\u2028' || c == '\u2029' || (tabs && c == '\t');
    }

    /** C0 and C1 controls and DEL, but TAB (kept unless {@code tabs} makes it a break) and the breaks above. */
    private static boolean isControl(char c) {
        return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || (c >= 0x7F && c <= 0x9F && c != '\u0085');
    }
}
