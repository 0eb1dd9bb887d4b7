package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.CallerSource;
import dev.callerguard.internal.metrics.GuardMetrics;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The line the local run prints on Ctrl-C, from what the guard recorded. */
class LocalMetricsTest {

    @Test
    void sumsTheDecisionsUpByOutcomeAndRefusalIdAcrossFunctionsAndSources() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build()) {
            GuardMetrics metrics = new GuardMetrics(sdk);
            metrics.decided("hello", Optional.of(CallerSource.BEARER), 200, null, 1_000);
            metrics.decided("reports", Optional.of(CallerSource.BEARER), 200, null, 1_000);
            metrics.decided("hello", Optional.of(CallerSource.BEARER), 404, null, 1_000);
            metrics.decided("hello", Optional.of(CallerSource.BEARER), 403, "CG403-CALLER", 1_000);
            metrics.decided("reports", Optional.of(CallerSource.EASY_AUTH), 403, "CG403-CALLER", 1_000);
            metrics.decided("hello", Optional.empty(), 401, "CG401-NO-CREDENTIALS", 1_000);
            metrics.keySetFetched(true);

            assertThat(LocalMetrics.summaryLine(reader.collectAllMetrics())).isEqualTo(
                    "CallerGuard decisions: 3 allowed, 3 refused (CG401-NO-CREDENTIALS 1, CG403-CALLER 2)");
        }
    }

    @Test
    void saysSoWhenNothingWasDecided() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build()) {
            new GuardMetrics(sdk).keySetFetched(false);

            assertThat(LocalMetrics.summaryLine(reader.collectAllMetrics()))
                    .isEqualTo("CallerGuard decisions: 0 allowed, 0 refused");
        }
    }

    /** As the emulator and the host (review finding 8 of issue 20): a page on another name gets nothing. */
    @Test
    void servesTheMetricsOnlyToRequestsForThisMachine() throws Exception {
        GlobalOpenTelemetry.resetForTest();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (LocalMetrics metrics = LocalMetrics.install(port)) {
            new GuardMetrics(GlobalOpenTelemetry.get()).keySetFetched(true);

            assertThat(scrape(port, "localhost:" + port)).startsWith("HTTP/1.1 200").contains("callerguard_keyset_fetches");
            assertThat(scrape(port, "evil.example:" + port)).startsWith("HTTP/1.1 403")
                    .doesNotContain("callerguard_keyset_fetches");
        } finally {
            GlobalOpenTelemetry.resetForTest();
        }
    }

    /** Review of the metrics change: a taken port leaves the local run going without metrics. */
    @Test
    void aTakenPortLeavesTheRunWithoutMetricsInsteadOfStoppingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(FunctionsHost.metrics(taken.getLocalPort())).isNull();
        }
    }

    /** A raw GET /metrics with the given Host header: the status line and what follows. */
    private static String scrape(int port, String host) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
