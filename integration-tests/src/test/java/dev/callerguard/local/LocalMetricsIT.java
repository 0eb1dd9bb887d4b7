package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.testing.CommandRun;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The local run's metrics (issue "decisions as OpenTelemetry metrics"): {@code scripts/run-local.sh} serving the
 * staged sample, real calls through {@code scripts/call.sh} and curl, then the guard's metrics read from
 * {@code /metrics} in Prometheus text format, and the summary line the host prints when the run stops.
 */
class LocalMetricsIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void servesTheDecisionsOfRealCallsAndSumsThemUpOnStop() throws Exception {
        Path work = Files.createTempDirectory("local-metrics-it");
        int hostPort = freePort();
        int metricsPort = freePort();
        Path log = work.resolve("run-local.log");
        Process run = LocalRunScript.start(ROOT.resolve("scripts").resolve("run-local.sh"), ROOT, log, List.of(
                "--app", StagedApp.find(Path.of("sample-app", "target", "azure-functions")).toString(),
                "--host-port", String.valueOf(hostPort), "--emulator-port", String.valueOf(freePort()),
                "--metrics-port", String.valueOf(metricsPort)));
        String metrics;
        try {
            assertThat(Files.readString(log)).contains("metrics          http://localhost:" + metricsPort + "/metrics");
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + hostPort + "/api/hello"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            assertThat(call(work, "intruder", "/api/hello").stdout()).startsWith("HTTP/1.1 403");
            assertThat(call(work, "apim", "/api/hello").stdout()).startsWith("HTTP/1.1 200");
            assertThat(call(work, "apim", "/api/hello").stdout()).startsWith("HTTP/1.1 200");

            HttpResponse<String> scraped = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scraped.statusCode()).isEqualTo(200);
            metrics = scraped.body();
        } finally {
            LocalRunScript.stop(run);
        }

        assertThat(sample(metrics, "callerguard_decisions_total", "callerguard_outcome=\"allowed\"",
                "callerguard_function=\"hello\"", "callerguard_source=\"bearer\"",
                "http_response_status_code=\"200\"")).isEqualTo(2);
        assertThat(sample(metrics, "callerguard_decisions_total", "error_type=\"CG403-CALLER\"",
                "callerguard_outcome=\"refused\"", "http_response_status_code=\"403\"")).isEqualTo(1);
        assertThat(sample(metrics, "callerguard_decisions_total", "error_type=\"CG401-NO-CREDENTIALS\"",
                "callerguard_source=\"none\"", "http_response_status_code=\"401\"")).isEqualTo(1);
        assertThat(sample(metrics, "callerguard_decision_duration_seconds_count", "callerguard_outcome=\"allowed\""))
                .isEqualTo(2);
        assertThat(sample(metrics, "callerguard_keyset_fetches_total", "callerguard_result=\"ok\"")).isEqualTo(1);
        assertThat(sample(metrics, "callerguard_keyset_age_seconds")).isGreaterThanOrEqualTo(0);
        assertThat(metrics).doesNotContain(LocalIdentities.APIM.objectId(), LocalIdentities.INTRUDER.objectId(),
                LocalIdentities.APIM.clientId());
        assertThat(awaitLine(log, "CallerGuard decisions:")).isEqualTo(
                "CallerGuard decisions: 2 allowed, 2 refused (CG401-NO-CREDENTIALS 1, CG403-CALLER 1)");
    }

    /** The value of the one sample of {@code metric} whose labels include every one of {@code labels}. */
    private static double sample(String metrics, String metric, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);
        Matcher matcher = line.matcher(metrics);
        Double found = null;
        while (matcher.find()) {
            String labelText = matcher.group(1) == null ? "" : matcher.group(1);
            if (List.of(labels).stream().allMatch(labelText::contains)) {
                assertThat(found).as("one sample of %s with %s in%n%s", metric, List.of(labels), metrics).isNull();
                found = Double.parseDouble(matcher.group(2));
            }
        }
        assertThat(found).as("a sample of %s with %s in%n%s", metric, List.of(labels), metrics).isNotNull();
        return found;
    }

    private static String awaitLine(Path log, String start) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.startsWith(start)) {
                    return line;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no line starting '" + start + "' in " + Files.readString(log));
    }

    private static CommandRun call(Path work, String identity, String path) throws IOException, InterruptedException {
        return LocalRunScript.script(ROOT, work, "call.sh", identity, path);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
