package io.switchgate.server;

import picocli.CommandLine;

/**
 * What {@code --version} prints on every command: the gateway's version, from the jar's manifest
 * ({@code Implementation-Version}, written by the build), and the Java runtime it runs on.
 */
public final class GatewayVersion implements CommandLine.IVersionProvider {

    /** The version the jar was built as, or "development build" when run from classes (tests, an IDE). */
    public static String version() {
        String v = GatewayVersion.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "switchgate " + version(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")",
        };
    }
}
