package io.switchgate.iso;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.jpos.iso.ISOException;
import org.jpos.iso.packager.GenericPackager;

/** jPOS GenericPackagers for the dialects under test (test support). */
final class JposOracle {
    private JposOracle() {}

    /** The custom GenericPackager XML kept in config/dialects (tests run in gateway-core/). */
    static Path customXml() {
        Path p = Paths.get("../config/dialects/custom-ascii.xml");
        if (!Files.exists(p)) p = Paths.get("config/dialects/custom-ascii.xml");
        return p;
    }

    static GenericPackager packager(String dialect) {
        try {
            if (dialect.equals("custom-ascii")) {
                try (InputStream in = Files.newInputStream(customXml())) {
                    return new GenericPackager(in);
                }
            }
            try (InputStream in = GenericPackager.class.getResourceAsStream("/packager/" + dialect + ".xml")) {
                return new GenericPackager(in);
            }
        } catch (ISOException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Dialect ours(String dialect) {
        return dialect.equals("custom-ascii") ? Dialect.fromGenericPackagerXml(customXml()) : Dialect.named(dialect);
    }
}
