package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/run-local.sh --emulator-only}, for those who run their app with Core Tools' {@code func start}: the
 * emulator alone, the settings to put in {@code local.settings.json} printed (never the identity header), and a
 * session that {@code scripts/token.sh} and {@code scripts/call.sh} use, calling the host port given.
 */
class EmulatorOnlyIT {
    private static final Path SESSION = Path.of("target", "local-run", "session.env");

    @Test
    void servesTheTenantAndPrintsTheSettingsForFuncStart() throws Exception {
        int emulatorPort = freePort();
        int hostPort = freePort();
        Path log = Files.createDirectories(Path.of("target", "emulator-only-it")).resolve("run-local.log");
        Process run = new ProcessBuilder("bash", "scripts/run-local.sh", "--emulator-only",
                "--emulator-port", String.valueOf(emulatorPort), "--host-port", String.valueOf(hostPort))
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            String banner = awaitBanner(run, log);
            String session = Files.readString(SESSION);
            String identityHeader = session.lines().filter(line -> line.startsWith("IDENTITY_HEADER="))
                    .findFirst().orElseThrow().substring("IDENTITY_HEADER=".length());

            assertThat(banner).contains("\"CALLERGUARD_AUTHORITY\": \"http://localhost:" + emulatorPort + "\"")
                    .contains("\"CALLERGUARD_TENANT_ID\": \"" + LocalIdentities.TENANT_ID + "\"")
                    .contains("\"CALLERGUARD_ALLOWED_CALLERS\": \"" + LocalIdentities.APIM.objectId() + "\"")
                    .doesNotContain(identityHeader);
            assertThat(session).contains("CALLERGUARD_BASE_URL=http://localhost:" + hostPort);
            HttpResponse<String> keys = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://localhost:" + emulatorPort + "/" + LocalIdentities.TENANT_ID + "/discovery/v2.0/keys"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(keys.statusCode()).isEqualTo(200);
            Process token = new ProcessBuilder(List.of("bash", "scripts/token.sh", "apim"))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String printed = new String(token.getInputStream().readAllBytes()).strip();
            assertThat(token.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(token.exitValue()).isZero();
            assertThat(printed).startsWith("ey").contains(".");
        } finally {
            run.descendants().forEach(ProcessHandle::destroy);
            run.destroy();
            run.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static String awaitBanner(Process run, Path log) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (text.contains("scripts/call.sh and scripts/token.sh use this emulator")) {
                return text;
            }
            if (!run.isAlive()) {
                throw new AssertionError("run-local.sh --emulator-only ended: " + text);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("run-local.sh --emulator-only did not start in 5 minutes: " + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
