package io.switchgate.server.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %oneLineEx{short}}: the event's exception (as {@code %ex} with the same options) folded onto the event's
 * line, preceded by a space, each run of CR/LF/tab made {@code " | "}; nothing at all when there is no exception.
 * Same output as {@code %replace( %ex{short}){'[\r\n\t]+', ' | '}}, which ran a regular expression over an empty
 * string for every line without an exception. Use with {@code %nopex}.
 */
public final class OneLineThrowableConverter extends ThrowableProxyConverter {
    @Override
    public String convert(ILoggingEvent event) {
        if (event.getThrowableProxy() == null) return "";
        return OneLineMessageConverter.oneLine(" " + super.convert(event), " | ", true);
    }
}
