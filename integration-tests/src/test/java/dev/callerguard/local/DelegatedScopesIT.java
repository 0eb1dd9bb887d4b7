package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.testing.CommandRun;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scopes of delegated callers (issue 20) on the local run, as the README gives it to a user:
 * {@code scripts/run-local.sh} serving the staged sample under {@code sample-app/local.settings.delegated.json}
 * ({@code CALLERGUARD_CALLER_TYPES=app,user}, the local user {@code ada} allowed, {@code CALLERGUARD_REQUIRED_SCOPES
 * =Orders.Read}), called with {@code scripts/call.sh} and explained with {@code scripts/explain.sh}.
 */
class DelegatedScopesIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String SETTINGS = "sample-app/local.settings.delegated.json";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path work;
    private static Process localRun;
    private static int hostPort;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("delegated-scopes-it");
        hostPort = freePort();
        localRun = LocalRunScript.start(ROOT.resolve("scripts").resolve("run-local.sh"), ROOT,
                work.resolve("run-local.log"), List.of("--app",
                        StagedApp.find(Path.of("sample-app", "target", "azure-functions")).toString(),
                        "--settings", SETTINGS, "--host-port", String.valueOf(hostPort),
                        "--emulator-port", String.valueOf(freePort())));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (localRun != null) {
            LocalRunScript.stop(localRun);
        }
    }

    @Test
    void aUsersTokenWithoutTheRequiredScopeIs403WithAChallengeNamingIt() throws Exception {
        CommandRun call = script("call.sh", "ada", "/api/hello");

        assertThat(call.exitCode()).as("%s", call).isZero();
        assertThat(call.stdout()).startsWith("HTTP/1.1 403").contains("CG403-SCOPE")
                .containsPattern("(?i)www-authenticate: Bearer realm=\"callerguard\", error=\"insufficient_scope\", "
                        + "error_description=\"[^\"]+\", scope=\"Orders.Read\"");
    }

    @Test
    void aUsersTokenWithTheRequiredScopeIs200() throws Exception {
        CommandRun call = script("call.sh", "--scopes", "user_impersonation Orders.Read", "ada", "/api/hello");

        assertThat(call.exitCode()).as("%s", call).isZero();
        assertThat(call.stdout()).startsWith("HTTP/1.1 200").contains("Hello");
    }

    @Test
    void anAppTokenIsUnaffectedByTheScopes() throws Exception {
        CommandRun call = script("call.sh", "apim", "/api/hello");

        assertThat(call.exitCode()).as("%s", call).isZero();
        assertThat(call.stdout()).startsWith("HTTP/1.1 200");
    }

    @Test
    void aScopeDoesNotStandInForTheAppRoleAFunctionRequires() throws Exception {
        CommandRun call = script("call.sh", "--scopes", "Orders.Read", "ada", "/api/reports");

        assertThat(call.exitCode()).as("%s", call).isZero();
        assertThat(call.stdout()).startsWith("HTTP/1.1 403").contains("CG403-ROLE");
    }

    @Test
    void anAnonymousCallIsStill401() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + hostPort + "/api/hello")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void explainShowsTheScopesVerdict() throws Exception {
        CommandRun without = script("token.sh", "--user", "ada");
        CommandRun with = script("token.sh", "--user", "ada", "--scopes", "Orders.Read");
        assertThat(without.exitCode()).as("%s", without).isZero();
        assertThat(with.exitCode()).as("%s", with).isZero();
        String settings = ROOT.resolve(SETTINGS).toString();

        CommandRun refused = script("explain.sh", lastLine(without), "--settings", settings);
        CommandRun passes = script("explain.sh", lastLine(with), "--settings", settings);

        assertThat(refused.exitCode()).as("%s", refused).isEqualTo(1);
        assertThat(refused.stdout()).containsPattern("FAIL +scopes +CG403-SCOPE")
                .contains("Required scopes: Orders.Read", "Result: refused, 403 insufficient_scope CG403-SCOPE");
        assertThat(passes.exitCode()).as("%s", passes).isZero();
        assertThat(passes.stdout()).containsPattern("PASS +scopes");
    }

    private static String lastLine(CommandRun run) {
        String[] lines = run.stdout().strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    private static CommandRun script(String name, String... args) throws IOException, InterruptedException {
        return LocalRunScript.script(ROOT, work, name, args);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
