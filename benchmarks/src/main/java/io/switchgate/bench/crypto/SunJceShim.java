package io.switchgate.bench.crypto;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;

/**
 * Lets jPOS 2.1.10 run on the JDK's own SunJCE under Java 17. jPOS loads its provider by class name
 * ({@code Class.forName(name).newInstance()}), which Java 17 refuses for
 * {@code com.sun.crypto.provider.SunJCE} (package not exported). This provider re-publishes SunJCE's
 * services and delegates each instantiation to SunJCE itself, so the ciphers are SunJCE's, not
 * BouncyCastle's: the differential tests stay independent of the library under test.
 */
public final class SunJceShim extends Provider {
    private static final long serialVersionUID = 1L;

    public SunJceShim() {
        super("SunJCEShim", "1.0", "SunJCE services, delegated (benchmark only)");
        Provider sun = Security.getProvider("SunJCE");
        for (Service s : sun.getServices()) {
            putService(new Delegating(this, s));
        }
    }

    private static final class Delegating extends Service {
        private final Service target;

        Delegating(Provider p, Service target) {
            super(p, target.getType(), target.getAlgorithm(), target.getClassName(), null, null);
            this.target = target;
        }

        @Override
        public Object newInstance(Object param) throws NoSuchAlgorithmException {
            return target.newInstance(param);
        }

        @Override
        public boolean supportsParameter(Object param) {
            return target.supportsParameter(param);
        }
    }
}
