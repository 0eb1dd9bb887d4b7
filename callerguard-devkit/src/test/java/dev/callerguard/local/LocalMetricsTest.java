package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.CallerSource;
import dev.callerguard.internal.metrics.GuardMetrics;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
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
}
