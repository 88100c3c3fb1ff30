package io.switchgate.bench.server;

import org.jpos.iso.BaseChannel;
import org.jpos.iso.ISOException;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOPackager;
import org.jpos.iso.ISORequestListener;
import org.jpos.iso.ISOServer;
import org.jpos.iso.ISOSource;
import org.jpos.iso.ServerChannel;
import org.jpos.iso.channel.ASCIIChannel;
import org.jpos.iso.channel.NACChannel;
import org.jpos.iso.packager.GenericPackager;
import org.jpos.util.ThreadPool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * The reference: what users pick today. jPOS 2.1.10 {@code ISOServer} + {@code NACChannel} (or {@code ASCIIChannel}
 * for ascii4) + {@code GenericPackager} on jPOS's own {@code packager/iso87binary.xml}, answering every request at
 * once with the request's fields and DE 39 {@code 00}. It does no business work: no store, no rules, no crypto.
 * One thread per connection (jPOS's ThreadPool), as jPOS does.
 */
@Command(name = "jpos-server", mixinStandardHelpOptions = true,
        description = "jPOS 2.1.10 ISOServer answering every request with DE 39 00 (the reference)")
public final class JposServer implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9700", description = "TCP port (default ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--framing", defaultValue = "nac2", description = "nac2 | ascii4 | nac2-tpdu")
    String framing;
    @Option(names = "--packager", defaultValue = "jar:packager/iso87binary.xml",
            description = "GenericPackager XML (default ${DEFAULT-VALUE})")
    String packagerXml;
    @Option(names = "--max-sessions", defaultValue = "12000",
            description = "most threads in jPOS's pool = most connections served at once (default ${DEFAULT-VALUE})")
    int maxSessions;

    @Override
    public Integer call() throws Exception {
        ISOPackager packager = new GenericPackager(packagerXml);
        ServerChannel channel = switch (framing) {
            case "nac2" -> new NACChannel(packager, null);
            case "nac2-tpdu" -> new NACChannel(packager, new byte[]{0x60, 0, 0, 0, 0});
            case "ascii4" -> new ASCIIChannel(packager);
            default -> throw new IllegalArgumentException("unknown framing " + framing);
        };
        ((BaseChannel) channel).setTimeout(0);
        ThreadPool pool = new ThreadPool(1, maxSessions, "jpos-server");
        ISOServer server = new ISOServer(port, channel, pool);
        server.addISORequestListener(new Approve());
        Thread t = new Thread(server, "jpos-server");
        t.start();
        System.err.println("jpos-server (jPOS " + org.jpos.q2.Q2.getVersion() + ") listening on " + port + " framing " + framing);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
        t.join();
        return 0;
    }

    /** Answers every request with its own fields, the response MTI and DE 39 00. */
    static final class Approve implements ISORequestListener {
        @Override
        public boolean process(ISOSource source, ISOMsg m) {
            try {
                ISOMsg r = (ISOMsg) m.clone();
                r.setResponseMTI();
                r.set(39, "00");
                r.unset(52);
                r.unset(64);
                if (r.getISOHeader() != null) r.getISOHeader().swapDirection();
                source.send(r);
            } catch (ISOException | IOException e) {
                return false;
            }
            return true;
        }
    }
}
