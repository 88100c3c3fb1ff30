package io.switchgate.server.cli;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.security.Hex;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.SecurityModule;
import io.switchgate.security.SoftwareSecurityModule;
import io.switchgate.server.config.ConfigException;
import io.switchgate.server.config.ConfigLoader;
import io.switchgate.server.net.Framing;
import io.switchgate.server.terminal.Card;
import io.switchgate.server.terminal.RequestBuilder;
import io.switchgate.server.terminal.ResponseLine;
import io.switchgate.server.terminal.TerminalClient;
import io.switchgate.server.terminal.TerminalKeyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * {@code terminal <sale|refund|void|reverse|balance|echo|signon|settle>}: a POS terminal simulator against a running
 * gateway. Prints one line per exchange; exits 0 when a response arrived (whatever its code), 1 when none did,
 * 2 on bad arguments.
 */
@Command(name = "terminal", mixinStandardHelpOptions = true, versionProvider = io.switchgate.server.GatewayVersion.class, sortOptions = false,
        description = {"POS terminal simulator: sends one request to a running gateway and prints the answer.",
                "Keys: --tmk/--tpk/--tak, else those a previous signon kept in --state-dir, else the terminal's keys "
                        + "in --config (default config/gateway.yaml when present)."})
public final class TerminalCommand implements Callable<Integer> {

    static final List<String> ACTIONS = List.of("sale", "refund", "void", "reverse", "balance", "echo", "signon", "settle");

    @Parameters(index = "0", paramLabel = "ACTION", completionCandidates = Actions.class,
            description = "sale | refund | void | reverse | balance | echo | signon | settle")
    String action;

    /** Where the shipped configuration listens. */
    static final int DEFAULT_PORT = 8583;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "gateway host (default: ${DEFAULT-VALUE})")
    String host;
    @Option(names = "--port", description = "gateway port (default: the first listener's port in the config the keys are "
            + "read from, else 8583)")
    Integer port;
    @Option(names = "--framing", defaultValue = "nac2", description = "nac2 | ascii4 | nac2-tpdu (default: ${DEFAULT-VALUE})")
    String framing;
    @Option(names = "--tpdu", description = "TPDU as 10 hex digits for nac2-tpdu (default: 6000010000)")
    String tpdu;
    @Option(names = "--dialect", defaultValue = "iso87binary",
            description = "iso87binary | iso87ascii | iso93binary | GenericPackager XML path (default: ${DEFAULT-VALUE})")
    String dialect;
    @Option(names = "--terminal", defaultValue = "TERM0001", description = "DE 41 (default: ${DEFAULT-VALUE})")
    String terminal;
    @Option(names = "--merchant", defaultValue = "MERCHANT0000001", description = "DE 42 (default: ${DEFAULT-VALUE})")
    String merchant;
    @Option(names = "--pan", description = "card number (default: the demo card 6212345678901232)")
    String pan;
    @Option(names = "--expiry", description = "YYMM (default: 2812 for the demo card)")
    String expiry;
    @Option(names = "--pin", description = "PIN to send in DE 52 (default: 1234 for the demo card, none otherwise)")
    String pin;
    @Option(names = "--no-pin", description = "send no PIN block")
    boolean noPin;
    @Option(names = "--amount", defaultValue = "10000", description = "minor units (default: ${DEFAULT-VALUE})")
    long amount;
    @Option(names = "--currency", defaultValue = "156", description = "DE 49 (default: ${DEFAULT-VALUE})")
    String currency;
    @Option(names = "--rrn", description = "the original sale's RRN (refund, void)")
    String rrn;
    @Option(names = "--orig-stan", description = "the STAN of the request to reverse (reverse)")
    String origStan;
    @Option(names = "--orig-mti", defaultValue = "0200", description = "the MTI of the request to reverse (default: ${DEFAULT-VALUE})")
    String origMti;
    @Option(names = "--mti", description = "reversal MTI: 0400 | 0401 | 0420 | 0421 (default: 0400)")
    String reversalMti;
    @Option(names = "--stan", description = "DE 11 (default: time-based)")
    String stan;
    @Option(names = "--tmk", description = "clear TMK, 32 hex (test keys only)")
    String tmk;
    @Option(names = "--tpk", description = "clear TPK, 32 hex (test keys only)")
    String tpk;
    @Option(names = "--tak", description = "clear TAK, 32 hex (test keys only)")
    String tak;
    @Option(names = "--config", description = "read the terminal's keys from this gateway config (default: config/gateway.yaml if present)")
    Path config;
    @Option(names = "--state-dir", defaultValue = "data/terminals",
            description = "where signon keeps the terminal's new working keys (default: ${DEFAULT-VALUE})")
    Path stateDir;
    @Option(names = "--no-state", description = "neither read nor keep working keys in --state-dir")
    boolean noState;
    @Option(names = "--sale-count", defaultValue = "0", description = "settle: DE 76")
    long saleCount;
    @Option(names = "--sale-amount", defaultValue = "0", description = "settle: DE 88")
    long saleAmount;
    @Option(names = "--refund-count", defaultValue = "0", description = "settle: DE 74")
    long refundCount;
    @Option(names = "--refund-amount", defaultValue = "0", description = "settle: DE 86")
    long refundAmount;
    @Option(names = "--timeout", defaultValue = "10", description = "seconds to wait for the answer (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    private PrintStream out = System.out;
    private PrintStream err = System.err;

    /** Arguments that cannot be used: exit 2 with this message. */
    static final class UsageError extends Exception {
        UsageError(String message) {
            super(message);
        }
    }

    static final class Actions extends java.util.ArrayList<String> {
        Actions() {
            super(ACTIONS);
        }
    }

    TerminalCommand streams(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
        return this;
    }

    @Override
    public Integer call() {
        Setup setup;
        IsoMessage request;
        String what;
        try {
            setup = setup();
            request = build(setup.builder);
            what = describe();
        } catch (UsageError e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        if (port == null) port = DEFAULT_PORT;
        Framing f = Framing.of(framing);
        byte[] tpduBytes = tpdu == null ? null : Hex.decode(tpdu);
        try (TerminalClient client = TerminalClient.connect(host, port, f, setup.builder.dialect(), tpduBytes, Duration.ofSeconds(5))) {
            TerminalClient.Response r = client.exchange(setup.builder, request, Duration.ofSeconds(timeoutSeconds));
            Boolean macOk = setup.builder.verifyResponseMac(r.raw(), r.message());
            String extra = "";
            if (action.equals("signon")) {
                extra = signOnKeys(setup, r.message());
            }
            out.println(ResponseLine.format(what, r.message(), macOk) + extra);
            if ("63".equals(ResponseLine.code1987(r.message())) && setup.keysFrom != null) {
                err.println("hint: keys came from " + setup.keysFrom + "; if the gateway's keys changed, "
                        + (action.equals("signon") ? "delete that file (a sign-on is MACed under the kept TAK too)"
                        : "run `terminal signon` or delete that file"));
            }
            return 0;
        } catch (ConnectException e) {
            err.println("error: cannot connect to " + host + ":" + port + ": connection refused (is the gateway running?)");
            return 1;
        } catch (UnknownHostException e) {
            err.println("error: unknown host " + host);
            return 1;
        } catch (TimeoutException e) {
            err.println("error: no answer from " + host + ":" + port + " within " + timeoutSeconds + " s");
            return 1;
        } catch (IOException e) {
            err.println("error: " + host + ":" + port + ": " + e.getMessage());
            return 1;
        }
    }

    private String signOnKeys(Setup setup, IsoMessage resp) {
        try {
            if (!setup.builder.acceptSignOnKeys(resp)) {
                return "";
            }
        } catch (RuntimeException e) {
            return " keys NOT accepted: " + e.getMessage();
        }
        String kept = "";
        if (!noState) {
            TerminalKeyStore ks = new TerminalKeyStore(stateDir);
            try {
                ks.save(terminal, setup.builder.tpk(), setup.builder.tak());
                kept = " (kept in " + ks.file(terminal) + ")";
            } catch (IOException e) {
                kept = " (not kept: " + e.getMessage() + ")";
            }
        }
        return " new keys: tpk kcv=" + setup.builder.tpk().kcv() + " tak kcv=" + setup.builder.tak().kcv() + kept;
    }

    record Setup(RequestBuilder builder, String keysFrom) { }

    Setup setup() throws UsageError {
        if (!ACTIONS.contains(action)) {
            throw new UsageError("unknown action '" + action + "' (" + String.join(" | ", ACTIONS) + ")");
        }
        try {
            Framing.of(framing);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--framing: " + e.getMessage());
        }
        if (tpdu != null && (tpdu.length() != 10 || !Hex.isHex(tpdu))) {
            throw new UsageError("--tpdu must be 10 hex digits");
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw new UsageError("--port " + port + " is out of range 1..65535");
        }
        if (terminal.length() != 8) {
            throw new UsageError("--terminal must be 8 characters");
        }
        if (merchant.length() != 15) {
            throw new UsageError("--merchant must be 15 characters");
        }
        if (amount < 0 || amount > 999_999_999_999L) {
            throw new UsageError("--amount must be 0..999999999999");
        }
        if (stan != null && (stan.length() != 6 || !digits(stan))) {
            throw new UsageError("--stan must be 6 digits");
        }
        if (timeoutSeconds < 1) {
            throw new UsageError("--timeout must be at least 1 second");
        }
        if (currency.length() != 3 || !digits(currency)) {
            throw new UsageError("--currency must be 3 digits (ISO 4217 numeric, e.g. 156)");
        }
        if (origMti.length() != 4 || !digits(origMti)) {
            throw new UsageError("--orig-mti must be 4 digits (e.g. 0200)");
        }
        if ((origMti.charAt(1) != '1' && origMti.charAt(1) != '2') || (origMti.charAt(2) - '0') % 2 != 0) {
            // what a reversal names is an authorization or financial request (a newcomer audit: 0900 went out)
            throw new UsageError("--orig-mti must be an authorization or financial request MTI (e.g. 0200), not " + origMti);
        }
        if (reversalMti != null && !action.equals("reverse")) {
            throw new UsageError("--mti is the reversal's MTI: only for reverse");
        }
        requireInRange("--sale-count", saleCount, 9_999_999_999L);       // DE 76, n 10
        requireInRange("--refund-count", refundCount, 9_999_999_999L);   // DE 74, n 10
        requireInRange("--sale-amount", saleAmount, 9_999_999_999_999_999L);     // DE 88, n 16
        requireInRange("--refund-amount", refundAmount, 9_999_999_999_999_999L); // DE 86, n 16
        Dialect d;
        try {
            d = Dialect.named(dialect);
        } catch (RuntimeException e) {
            throw new UsageError("--dialect: " + e.getMessage());
        }
        // the terminal's configured keys and the master key they may be stored under
        GatewayConfig.Terminal configured = null;
        String master = ConfigLoader.DEMO_MASTER_KEY;
        Path cfgPath = config != null ? config : Path.of("config/gateway.yaml");
        if (config != null || Files.isRegularFile(cfgPath)) {
            try {
                GatewayConfig cfg = new ConfigLoader().load(cfgPath);
                master = cfg.security().masterKey();
                configured = cfg.terminals().stream().filter(t -> t.id().equals(terminal)).findFirst().orElse(null);
                // the gateway that config runs listens there (a newcomer who moved the port was told "connection refused")
                if (port == null && cfg.listeners() != null && !cfg.listeners().isEmpty()) port = cfg.listeners().get(0).port();
            } catch (ConfigException e) {
                String m = e.getMessage();
                throw new UsageError(m != null && m.startsWith(cfgPath.toString()) ? m : cfgPath + ": " + m);
            }
        }
        SecurityModule sm = SoftwareSecurityModule.fromHex(master);
        Map<String, String> cfgKeys = configured == null || configured.keys() == null ? Map.of() : configured.keys();
        KeyHandle tmkH = key(sm, KeyType.TMK, "--tmk", tmk, cfgKeys.get("tmk"));
        KeyHandle tpkH = key(sm, KeyType.TPK, "--tpk", tpk, cfgKeys.get("tpk"));
        KeyHandle takH = key(sm, KeyType.TAK, "--tak", tak, cfgKeys.get("tak"));
        String keysFrom = null;
        // A sign-on too: it is MACed under the TAK the gateway holds, which is the one the last sign-on kept.
        if (!noState && tpk == null && tak == null) {
            TerminalKeyStore ks = new TerminalKeyStore(stateDir);
            TerminalKeyStore.Keys kept = ks.load(terminal, sm);
            if (kept != null) {
                tpkH = kept.tpk();
                takH = kept.tak();
                keysFrom = ks.file(terminal).toString();
            }
        }
        RequestBuilder b = new RequestBuilder(d, sm, terminal, merchant).keys(tmkH, tpkH, takH).currency(currency);
        return new Setup(b, keysFrom);
    }

    private static KeyHandle key(SecurityModule sm, KeyType type, String option, String clear, String configured)
            throws UsageError {
        if (clear != null) {
            if (!Hex.isHex(clear) || !(clear.length() == 32 || clear.length() == 48)) {
                throw new UsageError(option + " must be 32 or 48 hex digits");
            }
            return sm.importClear(type, Hex.decode(clear));
        }
        if (configured == null) {
            return null;
        }
        try {
            return configured.startsWith("kcv:") ? sm.importStored(type, configured) : sm.importClear(type, Hex.decode(configured));
        } catch (RuntimeException e) {
            throw new UsageError("the configured " + type + " of the terminal cannot be used: " + e.getMessage());
        }
    }

    IsoMessage build(RequestBuilder b) throws UsageError {
        String s = stan != null ? stan : b.nextStan();
        try {
            return switch (action) {
                case "echo" -> b.echo(s);
                case "signon" -> b.signOn(s);
                case "sale" -> b.sale(s, card(), amount);
                case "balance" -> b.balance(s, card());
                case "refund" -> b.refund(s, card(), amount, requireRrn());
                case "void" -> b.voidSale(s, card(), amount, requireRrn());
                case "reverse" -> {
                    if (origStan == null || origStan.length() != 6 || !digits(origStan)) {
                        throw new UsageError("reverse needs --orig-stan (6 digits: the STAN of the request to reverse)");
                    }
                    String mti = reversalMti == null ? "0400" : reversalMti;
                    if (!List.of("0400", "0401", "0420", "0421").contains(mti)) {
                        throw new UsageError("--mti must be 0400, 0401, 0420 or 0421");
                    }
                    yield b.reversal(mti, s, origMti, origStan, null, pan == null ? null : new Card(pan, expiry, null), amount);
                }
                case "settle" -> b.settlement(s, saleCount, saleAmount, refundCount, refundAmount);
                default -> throw new UsageError("unknown action " + action);
            };
        } catch (IllegalStateException e) {
            throw new UsageError(e.getMessage() + " (give --tpk, --config, or --no-pin)");
        }
    }

    private String requireRrn() throws UsageError {
        if (rrn == null || rrn.isBlank()) {
            throw new UsageError(action + " needs --rrn (the original sale's RRN)");
        }
        if (rrn.length() != 12) {
            throw new UsageError("--rrn must be 12 characters");
        }
        return rrn;
    }

    private Card card() throws UsageError {
        boolean demo = pan == null;
        String p = demo ? Card.DEMO.pan() : pan;
        if (p.length() < 12 || p.length() > 19 || !digits(p)) {
            throw new UsageError("--pan must be 12 to 19 digits");
        }
        String e = expiry != null ? expiry : demo ? Card.DEMO.expiry() : null;
        if (e != null && (e.length() != 4 || !digits(e))) {
            throw new UsageError("--expiry must be YYMM");
        }
        String pn = noPin ? null : pin != null ? pin : demo ? Card.DEMO.pin() : null;
        if (pn != null && (pn.length() < 4 || pn.length() > 12 || !digits(pn))) {
            throw new UsageError("--pin must be 4 to 12 digits");
        }
        return new Card(p, e, pn);
    }

    String describe() {
        return switch (action) {
            case "sale", "refund", "void" -> action + " " + amount;
            case "reverse" -> "reverse " + amount + " of stan " + origStan;
            case "settle" -> "settle sales " + saleCount + "/" + saleAmount + " refunds " + refundCount + "/" + refundAmount;
            default -> action;
        };
    }

    private static void requireInRange(String option, long value, long max) throws UsageError {
        if (value < 0 || value > max) throw new UsageError(option + " must be 0.." + max);
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
