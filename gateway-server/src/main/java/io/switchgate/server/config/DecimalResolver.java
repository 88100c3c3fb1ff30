package io.switchgate.server.config;

import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

import java.util.regex.Pattern;

/**
 * SnakeYAML's implicit types (YAML 1.1) with one change: a number with a leading zero is not octal. Under YAML 1.1 an
 * unquoted {@code pin: 012345} is the integer 5349, a valid PIN nobody chose; here it stays the text {@code 012345}
 * (what is meant), and {@code pin: 0123} the text {@code 0123}, not 83 (found by a black-box audit). Decimal, hex
 * ({@code 0x}), binary ({@code 0b}) and base-60 integers read as before.
 */
final class DecimalResolver extends Resolver {
    /** {@link Resolver#INT} without its octal alternative ({@code [-+]?0_*[0-7][0-7_]*}). */
    static final Pattern INT_NOT_OCTAL = Pattern.compile("^(?:[-+]?0b_*[0-1][0-1_]*|[-+]?(?:0|[1-9][0-9_]*)"
            + "|[-+]?0x_*[0-9a-fA-F][0-9a-fA-F_]*|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$");

    @Override
    protected void addImplicitResolvers() {
        // as Resolver registers them (INT before FLOAT, whose pattern also matches integers), INT's pattern excepted
        addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO", 10);
        addImplicitResolver(Tag.INT, INT_NOT_OCTAL, "-+0123456789");
        addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
        addImplicitResolver(Tag.MERGE, MERGE, "<", 10);
        addImplicitResolver(Tag.NULL, NULL, "~nN\0", 10);
        addImplicitResolver(Tag.NULL, EMPTY, null, 10);
        addImplicitResolver(Tag.TIMESTAMP, TIMESTAMP, "0123456789", 50);
        addImplicitResolver(Tag.YAML, YAML, "!&*", 10);
    }
}
