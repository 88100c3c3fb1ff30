package io.switchgate.server.cli;

import io.switchgate.config.GatewayConfig;
import io.switchgate.config.InvalidConfigException;
import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.server.config.ConfigException;
import io.switchgate.server.config.ConfigLoader;
import io.switchgate.server.net.Framing;
import io.switchgate.server.net.TerminalServer;
import io.switchgate.server.terminal.Card;
import io.switchgate.server.terminal.RequestBuilder;
import io.switchgate.server.terminal.ResponseLine;
import io.switchgate.server.terminal.TerminalClient;
import io.switchgate.txn.Gateway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code demo}: starts a gateway from the shipped configuration on a free loopback port with a temporary
 * H2 store, and drives the demo terminal through the whole lifecycle over TCP: sign-on (new keys),
 * sale, balance inquiry, partial refund, a sale and its reversal, a sale and its void, settlement.
 * One readable line per exchange: what was sent, the answer and its meaning, the card balance after.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = io.switchgate.server.GatewayVersion.class,
        description = "Start a throw-away gateway and walk a demo terminal through sign-on, sale, balance, refund, reversal, void and settlement.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE",
            description = "where the demo merchant, terminal and cards come from (default: config/gateway.yaml, or the shipped one built into the jar)")
    Path config; // null: config/gateway.yaml, or the shipped copy when absent

    @Option(names = "--terminal", defaultValue = "TERM0001", description = "demo terminal (default: ${DEFAULT-VALUE})")
    String terminal = "TERM0001";

    private final PrintStream out;

    public DemoCommand() {
        this(System.out);
    }

    DemoCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        GatewayConfig shipped;
        try {
            shipped = new ConfigLoader().loadOrShipped(config);
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        GatewayConfig.Terminal term = shipped.terminals().stream().filter(t -> t.id().equals(terminal)).findFirst().orElse(null);
        if (term == null) {
            System.err.println("error: --terminal: " + terminal + " is not in " + (config == null ? "the configuration" : config));
            return 2;
        }
        String status = term.status() == null ? "active" : term.status().trim().toLowerCase(java.util.Locale.ROOT);
        if (!status.equals("active") && !status.equals("registered")) {
            System.err.println("error: --terminal: " + terminal + " is " + status + ": the demo needs an active or registered terminal");
            return 2;
        }
        if (term.keys() == null || !term.keys().containsKey("tmk")) {
            // the demo signs on for new keys and sends a PIN under them: a terminal without a TMK got a false sign-on line,
            // then exit 1 half-way (a commands audit)
            System.err.println("error: --terminal: " + terminal + " has no tmk (keys.tmk): the demo signs on for new keys"
                    + " and sends a PIN under them");
            return 2;
        }
        try {
            io.switchgate.server.metrics.LoggingSetup.apply(shipped.logging()); // as serve: a log format it cannot use is exit 2
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        Path tmp = Files.createTempDirectory("gateway-demo");
        GatewayConfig cfg = new GatewayConfig(shipped.node(),
                List.of(new GatewayConfig.Listener("demo", "127.0.0.1", 0, "nac2", "iso87binary", 8192, 300)),
                shipped.admin(),
                new GatewayConfig.Store("jdbc:h2:file:" + tmp.resolve("demo").toAbsolutePath(), "sa", "", 2),
                shipped.security(), shipped.merchants(), shipped.terminals(), shipped.routes(), List.of(),
                shipped.authorizer(), shipped.logging());
        try (Gateway gw = Gateway.start(cfg); TerminalServer server = new TerminalServer(cfg.listeners(), gw.engine()).start()) {
            out.println("demo gateway on 127.0.0.1:" + server.port("demo") + " (nac2, iso87binary), temporary store " + tmp);
            run(gw, server.port("demo"), term);
            return 0;
        } catch (InvalidConfigException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } finally {
            deleteQuietly(tmp);
        }
    }

    private void run(Gateway gw, int port, GatewayConfig.Terminal term) throws Exception {
        Map<String, String> keys = term.keys() == null ? Map.of() : term.keys();
        RequestBuilder pos = new RequestBuilder(Dialect.named("iso87binary"), gw.security(), term.id(), term.merchant())
                .keys(clear(gw, KeyType.TMK, keys.get("tmk")), clear(gw, KeyType.TPK, keys.get("tpk")), clear(gw, KeyType.TAK, keys.get("tak")));
        Card card = Card.DEMO;
        Duration timeout = Duration.ofSeconds(10);
        try (TerminalClient client = TerminalClient.connect("127.0.0.1", port, Framing.NAC2, pos.dialect())) {
            Step step = (what, request) -> {
                TerminalClient.Response r = client.exchange(pos, request, timeout);
                // checked under the keys the request went out with (an 0810 is MACed under the TAK before sign-on)
                Boolean macOk = pos.verifyResponseMac(r.raw(), r.message());
                if ("0810".equals(r.message().getMti())) pos.acceptSignOnKeys(r.message());
                Long bal = gw.embeddedCardBalance(card.pan());
                out.println(ResponseLine.format(what, r.message(), macOk)
                        + (bal == null ? "" : "  | card " + card.masked() + " balance after: " + bal));
                return r.message();
            };
            step.send("signon (new TPK/TAK under the TMK)", pos.signOn(pos.nextStan()));
            IsoMessage sale = step.send("sale 10000", pos.sale(pos.nextStan(), card, 10_000));
            step.send("balance inquiry", pos.balance(pos.nextStan(), card));
            step.send("refund 3000 of sale " + sale.getString(37), pos.refund(pos.nextStan(), card, 3_000, sale.getString(37)));
            step.send("refund 3000 again (same sale, same amount)", pos.refund(pos.nextStan(), card, 3_000, sale.getString(37)));
            String stan = pos.nextStan();
            IsoMessage toReverse = pos.sale(stan, card, 2_000);
            step.send("sale 2000", toReverse);
            step.send("reversal 0400 of that sale", pos.reversal("0400", pos.nextStan(), "0200", stan, toReverse.getString(7), card, 2_000));
            IsoMessage toVoid = step.send("sale 4000", pos.sale(pos.nextStan(), card, 4_000));
            step.send("void of sale " + toVoid.getString(37), pos.voidSale(pos.nextStan(), card, 4_000, toVoid.getString(37)));
            step.send("settlement with wrong totals (2 sales)", pos.settlement(pos.nextStan(), 2, 14_000, 1, 3_000));
            step.send("settlement 1 sale 10000, 1 refund 3000", pos.settlement(pos.nextStan(), 1, 10_000, 1, 3_000));
        }
    }

    @FunctionalInterface
    private interface Step {
        IsoMessage send(String what, IsoMessage request) throws Exception;
    }

    private static KeyHandle clear(Gateway gw, KeyType type, String hex) {
        if (hex == null || hex.startsWith("kcv:")) return null;
        return gw.security().importClear(type, HexFormat.of().parseHex(hex));
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
