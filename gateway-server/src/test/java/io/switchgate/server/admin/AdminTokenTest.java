package io.switchgate.server.admin;

import io.switchgate.config.GatewayConfig;
import io.switchgate.server.config.DataDirectory;
import io.switchgate.txn.Gateway;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static io.switchgate.server.admin.OpsFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The admin API never runs without a token: with none configured, one is generated on first start into
 * {@code <data directory>/admin.token} (owner read/write only) and reused later; a non-loopback admin address
 * without a configured token refuses to start.
 */
class AdminTokenTest {

    @TempDir
    Path tmp;

    private String h2(String name) {
        return "jdbc:h2:file:" + tmp.resolve("data").resolve(name).toString().replace('\\', '/');
    }

    @Test
    void noTokenConfiguredGeneratesOneInTheDataDirectoryAndEveryPathButHealthNeedsIt() throws Exception {
        Path file = tmp.resolve("data").resolve(AdminTokenFile.FILE_NAME);
        assertFalse(Files.exists(file));
        try (OpsFixture f = new OpsFixture(h2("gateway"), null)) {
            assertTrue(Files.isRegularFile(file), "token file created beside the H2 store");
            String token = Files.readString(file).trim();
            assertTrue(token.length() >= 32, "a long random token");
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
            }
            for (String p : new String[]{"/api/terminals", "/api/merchants", "/metrics", "/api/transactions/010000000001"}) {
                OpsFixture.Answer none = f.call(HttpRequest.newBuilder(URI.create(f.base + p)).GET(), null);
                assertEquals(401, none.status(), p + ": " + none.body());
                assertEquals(401, f.call(HttpRequest.newBuilder(URI.create(f.base + p)).GET(), token + "x").status(), p);
            }
            OpsFixture.Answer freeze = f.call(HttpRequest.newBuilder(URI.create(f.base + "/api/merchants/MERCHANT0000002/status"))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"status\":\"frozen\"}")).header("Content-Type", "application/json"), null);
            assertEquals(401, freeze.status(), "no unauthenticated operator action");
            assertEquals("active", f.call(HttpRequest.newBuilder(URI.create(f.base + "/api/merchants/MERCHANT0000002")).GET(), token)
                    .json().path("status").asText());
            OpsFixture.Answer terminals = f.call(HttpRequest.newBuilder(URI.create(f.base + "/api/terminals")).GET(), token);
            assertEquals(200, terminals.status(), terminals.body());
            assertEquals(4, terminals.json().path("count").asInt());
            assertEquals(200, f.call(HttpRequest.newBuilder(URI.create(f.base + "/health")).GET(), null).status());
        }
    }

    @Test
    void generatedTokenIsReusedOnTheNextStart() throws Exception {
        String first;
        try (OpsFixture f = new OpsFixture(h2("gateway"), null)) {
            first = Files.readString(tmp.resolve("data").resolve(AdminTokenFile.FILE_NAME)).trim();
        }
        try (OpsFixture f = new OpsFixture(h2("gateway"), "  ")) { // blank counts as not configured
            assertEquals(first, Files.readString(tmp.resolve("data").resolve(AdminTokenFile.FILE_NAME)).trim());
            assertEquals(200, f.call(HttpRequest.newBuilder(URI.create(f.base + "/api/merchants")).GET(), first).status());
            assertEquals(401, f.call(HttpRequest.newBuilder(URI.create(f.base + "/api/merchants")).GET(), null).status());
        }
    }

    @Test
    void aTokenFileReadableByOthersIsNarrowedToItsOwner() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Path file = dir.resolve(AdminTokenFile.FILE_NAME);
        Files.writeString(file, "operator-chosen-token\n");
        Assumptions.assumeTrue(file.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        try (OpsFixture f = new OpsFixture(h2("gateway"), null)) {
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
            assertEquals(200, f.call(HttpRequest.newBuilder(URI.create(f.base + "/api/merchants")).GET(), "operator-chosen-token").status());
        }
    }

    /** A configured token shorter than 16 characters is taken, and a WARN says it can be guessed; a long one is quiet. */
    @Test
    void aShortConfiguredTokenIsTakenWithAWarning() {
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Operations.class);
        var lines = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        lines.start();
        logger.addAppender(lines);
        try {
            var shortOne = Operations.withToken(new GatewayConfig.Admin("127.0.0.1", 0, "short"), tmp);
            assertEquals("short", shortOne.token());
            assertTrue(lines.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith("admin.token is only 5 characters")),
                    () -> "logged: " + lines.list);
            lines.list.clear();
            Operations.withToken(new GatewayConfig.Admin("127.0.0.1", 0, "x".repeat(Operations.MIN_TOKEN_CHARS)), tmp);
            assertTrue(lines.list.isEmpty(), () -> "logged: " + lines.list);
        } finally {
            logger.detachAppender(lines);
        }
    }

    @Test
    void configuredTokenWritesNoFile() {
        try (OpsFixture f = new OpsFixture(h2("gateway"), TOKEN)) {
            assertEquals(200, f.call(HttpRequest.newBuilder(URI.create(f.base + "/api/merchants")).GET(), TOKEN).status());
            assertEquals(401, f.call(HttpRequest.newBuilder(URI.create(f.base + "/api/merchants")).GET(), null).status());
        }
        assertFalse(Files.exists(tmp.resolve("data").resolve(AdminTokenFile.FILE_NAME)));
    }

    @Test
    void dataDirectoryIsTheH2FileStoresDirectoryElseDotData() {
        Path dotData = Path.of("data").toAbsolutePath();
        assertEquals(tmp.resolve("data").toAbsolutePath(), DataDirectory.of(h2("gateway")));
        assertEquals(tmp.resolve("x").toAbsolutePath(), DataDirectory.of("jdbc:h2:" + tmp.resolve("x").resolve("g") + ";MODE=PostgreSQL"));
        assertEquals(dotData, DataDirectory.of("jdbc:h2:file:./data/gateway"));
        assertEquals(dotData, DataDirectory.of("jdbc:postgresql://127.0.0.1:5432/test"));
        assertEquals(dotData, DataDirectory.of("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1"));
        assertEquals(dotData, DataDirectory.of("memory:"));
    }

    @Test
    void nonLoopbackWithoutTokenStartsWithTheGeneratedToken() throws Exception {
        // contract section 2: with no admin.token the gateway generates one, whatever the address (it used to refuse
        // to start beyond loopback, exit 2, which the contract does not say); the API never runs without a token
        GatewayConfig cfg = OpsFixture.config(h2("gateway"), "0.0.0.0", null);
        try (Gateway gw = Gateway.start(cfg); Operations ops = Operations.start(gw, cfg, null)) {
            String token = Files.readString(tmp.resolve("data").resolve(AdminTokenFile.FILE_NAME)).trim();
            assertEquals(64, token.length());
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + ops.adminPort() + "/api/merchants");
            assertEquals(401, http.send(HttpRequest.newBuilder(uri).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(200, http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }

    @Test
    void nonLoopbackWithTokenStarts() {
        GatewayConfig cfg = OpsFixture.config("memory:", "0.0.0.0", TOKEN);
        try (Gateway gw = Gateway.start(cfg); Operations ops = Operations.start(gw, cfg, null)) {
            assertTrue(ops.adminPort() > 0);
        }
    }

    @Test
    void loopbackNames() {
        assertTrue(AdminServer.isLoopback("127.0.0.1"));
        assertTrue(AdminServer.isLoopback("127.1.2.3"));
        assertTrue(AdminServer.isLoopback("::1"));
        assertTrue(AdminServer.isLoopback("[::1]"));
        assertTrue(AdminServer.isLoopback("localhost"));
        assertFalse(AdminServer.isLoopback("0.0.0.0"));
        assertFalse(AdminServer.isLoopback("::"));
        assertFalse(AdminServer.isLoopback("10.0.0.1"));
        assertFalse(AdminServer.isLoopback("localhost.evil.example"));
        assertFalse(AdminServer.isLoopback(null));
    }

    @Test
    void portInUseIsAClearError() {
        try (OpsFixture f = new OpsFixture("memory:", TOKEN)) {
            GatewayConfig.Admin taken = new GatewayConfig.Admin("127.0.0.1", f.ops.adminPort(), TOKEN);
            AdminServer s = new AdminServer(taken, (r, w) -> f.ops.adminApiForTests());
            io.switchgate.server.net.ServerStartException e = assertThrows(io.switchgate.server.net.ServerStartException.class, s::start);
            assertTrue(e.getMessage().contains("127.0.0.1:" + f.ops.adminPort()), e.getMessage());
        }
    }

    @Test
    void bearerTokenRules() {
        BearerToken t = new BearerToken("abc");
        assertTrue(t.accepts("Bearer abc"));
        assertTrue(t.accepts("bearer abc"));
        assertFalse(t.accepts("Bearer abcd"));
        assertFalse(t.accepts("Bearer "));
        assertFalse(t.accepts("abc"));
        assertFalse(t.accepts(null));
        assertThrows(IllegalArgumentException.class, () -> new BearerToken(null), "never a token that accepts all");
        assertThrows(IllegalArgumentException.class, () -> new BearerToken(" "));
    }
}
