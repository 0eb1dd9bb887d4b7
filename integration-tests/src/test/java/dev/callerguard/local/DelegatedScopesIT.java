package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        Run call = script("call.sh", "ada", "/api/hello");

        assertThat(call.exitCode()).as(call.output()).isZero();
        assertThat(call.output()).startsWith("HTTP/1.1 403").contains("CG403-SCOPE")
                .containsPattern("(?i)www-authenticate: Bearer realm=\"callerguard\", error=\"insufficient_scope\", "
                        + "error_description=\"[^\"]+\", scope=\"Orders.Read\"");
    }

    @Test
    void aUsersTokenWithTheRequiredScopeIs200() throws Exception {
        Run call = script("call.sh", "--scopes", "user_impersonation Orders.Read", "ada", "/api/hello");

        assertThat(call.exitCode()).as(call.output()).isZero();
        assertThat(call.output()).startsWith("HTTP/1.1 200").contains("Hello");
    }

    @Test
    void anAppTokenIsUnaffectedByTheScopes() throws Exception {
        Run call = script("call.sh", "apim", "/api/hello");

        assertThat(call.exitCode()).as(call.output()).isZero();
        assertThat(call.output()).startsWith("HTTP/1.1 200");
    }

    @Test
    void aScopeDoesNotStandInForTheAppRoleAFunctionRequires() throws Exception {
        Run call = script("call.sh", "--scopes", "Orders.Read", "ada", "/api/reports");

        assertThat(call.exitCode()).as(call.output()).isZero();
        assertThat(call.output()).startsWith("HTTP/1.1 403").contains("CG403-ROLE");
    }

    @Test
    void anAnonymousCallIsStill401() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + hostPort + "/api/hello")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void explainShowsTheScopesVerdict() throws Exception {
        Run without = script("token.sh", "--user", "ada");
        Run with = script("token.sh", "--user", "ada", "--scopes", "Orders.Read");
        assertThat(without.exitCode()).as(without.output()).isZero();
        assertThat(with.exitCode()).as(with.output()).isZero();

        Run refused = script("explain.sh", lastLine(without), "--settings", SETTINGS);
        Run passes = script("explain.sh", lastLine(with), "--settings", SETTINGS);

        assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
        assertThat(refused.output()).containsPattern("FAIL +scopes +CG403-SCOPE")
                .contains("Required scopes: Orders.Read", "Result: refused, 403 insufficient_scope CG403-SCOPE");
        assertThat(passes.exitCode()).as(passes.output()).isZero();
        assertThat(passes.output()).containsPattern("PASS +scopes");
    }

    private static String lastLine(Run run) {
        String[] lines = run.output().split("\n");
        return lines[lines.length - 1].strip();
    }

    private record Run(int exitCode, String output) {
    }

    private static Run script(String name, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "scripts/" + name));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "run", ".txt");
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 120 s: " + Files.readString(out));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
