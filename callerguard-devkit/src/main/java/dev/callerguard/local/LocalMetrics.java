package dev.callerguard.local;

import dev.callerguard.internal.metrics.GuardMetrics;
import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The local run's metrics, as an agent provides them on Azure: the functions host installs the OpenTelemetry SDK as
 * the global one before it loads the app (whose OpenTelemetry API classes are the host's, see {@link StagedApp}),
 * serves every metric in Prometheus text format at {@code http://localhost:PORT/metrics} (OpenTelemetry's Prometheus
 * exporter, on loopback, answering only requests for this machine's names), and sums the decisions up in one line
 * when the host stops.
 */
final class LocalMetrics implements AutoCloseable {
    /** OpenTelemetry's Prometheus exporter's usual port. */
    static final int DEFAULT_PORT = 9464;

    private final OpenTelemetrySdk sdk;
    private final PrometheusHttpServer prometheus;
    private final SummaryReader summary;

    private LocalMetrics(OpenTelemetrySdk sdk, PrometheusHttpServer prometheus, SummaryReader summary) {
        this.sdk = sdk;
        this.prometheus = prometheus;
        this.summary = summary;
    }

    /** Starts the exporter on {@code port} and installs the SDK as the global OpenTelemetry. */
    static LocalMetrics install(int port) {
        PrometheusHttpServer prometheus = PrometheusHttpServer.builder().setHost("127.0.0.1").setPort(port)
                .setAuthenticator(new ThisMachineOnly()).build();
        SummaryReader summary = new SummaryReader();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setMeterProvider(SdkMeterProvider.builder()
                .registerMetricReader(prometheus).registerMetricReader(summary).build()).build();
        GlobalOpenTelemetry.set(sdk);
        return new LocalMetrics(sdk, prometheus, summary);
    }

    /**
     * The decisions so far in one line, by outcome and refusal id, e.g. {@code CallerGuard decisions: 12 allowed,
     * 5 refused (CG401-NO-CREDENTIALS 2, CG403-CALLER 3)}.
     */
    String summaryLine() {
        return summaryLine(summary.collect());
    }

    static String summaryLine(Collection<MetricData> collected) {
        long allowed = 0;
        Map<String, Long> refused = new TreeMap<>();
        for (MetricData metric : collected) {
            if (!metric.getName().equals(GuardMetrics.DECISIONS)) {
                continue;
            }
            for (LongPointData point : metric.getLongSumData().getPoints()) {
                String refusal = point.getAttributes().get(GuardMetrics.ERROR_TYPE);
                if (refusal == null) {
                    allowed += point.getValue();
                } else {
                    refused.merge(refusal, point.getValue(), Long::sum);
                }
            }
        }
        long refusedTotal = refused.values().stream().mapToLong(Long::longValue).sum();
        return "CallerGuard decisions: " + allowed + " allowed, " + refusedTotal + " refused"
                + (refused.isEmpty() ? "" : refused.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ", " (", ")")));
    }

    @Override
    public void close() {
        sdk.close();
    }

    /** As the emulator and the host: a page on another name (DNS rebinding) gets 403, not the metrics. */
    private static final class ThisMachineOnly extends Authenticator {
        @Override
        public Result authenticate(HttpExchange exchange) {
            return HttpExchanges.hostIsThisMachine(exchange)
                    ? new Success(new HttpPrincipal("local", "callerguard-metrics")) : new Failure(403);
        }
    }

    /** Reads the SDK's metrics when asked: for the summary line. */
    private static final class SummaryReader implements MetricReader {
        private volatile CollectionRegistration registration = CollectionRegistration.noop();

        @Override
        public void register(CollectionRegistration registration) {
            this.registration = registration;
        }

        Collection<MetricData> collect() {
            return registration.collectAllMetrics();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public CompletableResultCode forceFlush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
