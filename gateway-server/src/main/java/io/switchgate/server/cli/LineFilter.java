package io.switchgate.server.cli;

import io.switchgate.iso.Dialect;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What {@code decode} and {@code encode} share: resolve the dialect and framing (exit 2 naming the problem),
 * then turn each non-blank line of standard input into one line of standard output.
 */
final class LineFilter {

    @FunctionalInterface
    interface Converter {
        String convert(Dialect dialect, Framing framing, String line) throws IOException;
    }

    private LineFilter() {
    }

    static int run(String dialectName, String framingName, Converter converter) throws IOException {
        Dialect d;
        Framing f;
        try {
            d = Dialect.named(dialectName);
            f = Framing.parse(framingName);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        PrintStream out = System.out;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            line = line.strip();
            if (line.isEmpty()) continue;
            out.println(converter.convert(d, f, line));
        }
        out.flush();
        return 0;
    }
}
