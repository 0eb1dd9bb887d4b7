package dev.callerguard.internal.metrics;

import dev.callerguard.CallerSource;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleGauge;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * CallerGuard's decisions and key set as OpenTelemetry metrics, through the API only: nothing is recorded unless an
 * OpenTelemetry SDK or agent is installed (the library carries none). The names below are a contract that
 * dashboards and alerts read; {@code GuardMetricsTest} pins them.
 *
 * <p>What an attribute may hold is fixed here and nowhere else: the outcome, the refusal's stable id, the HTTP
 * status, which credential the request presented, the function's name, the key fetch's result. Never an object id
 * (unbounded, and personal data), a token or any part of it, a principal value, or an app id: an unverified token
 * says whatever its sender likes, and every value an attribute takes makes a time series.
 */
public final class GuardMetrics {
    public static final String METER = "dev.callerguard";
    /** A counter: one per guarded request. */
    public static final String DECISIONS = "callerguard.decisions";
    /** A histogram in seconds: how long the check took, per guarded request. */
    public static final String DURATION = "callerguard.decision.duration";
    /** A counter: one per fetch of the key set, by result. */
    public static final String KEY_FETCHES = "callerguard.keyset.fetches";
    /** A gauge in seconds: how long ago the key set in use was fetched. */
    public static final String KEY_AGE = "callerguard.keyset.age";

    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("callerguard.outcome");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    public static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    public static final AttributeKey<String> SOURCE = AttributeKey.stringKey("callerguard.source");
    public static final AttributeKey<String> FUNCTION = AttributeKey.stringKey("callerguard.function");
    public static final AttributeKey<String> RESULT = AttributeKey.stringKey("callerguard.result");

    /**
     * Bucket bounds for {@link #DURATION}: a check takes microseconds (a cached token) to milliseconds (a fresh one,
     * a key fetch on a cold cache up to its 3 s deadline); the SDK's default bounds start at 5 (seconds here).
     */
    static final List<Double> DURATION_BUCKETS = List.of(0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1,
            0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0);

    /** Records nothing. */
    public static final GuardMetrics NONE = new GuardMetrics(OpenTelemetry.noop());

    private static final Logger LOG = Logger.getLogger(GuardMetrics.class.getName());

    private final AtomicBoolean failureLogged = new AtomicBoolean();
    private final Meter meter;
    private final Instruments instruments;

    /** The three instruments a request or a key fetch records in. */
    private record Instruments(LongCounter decisions, DoubleHistogram duration, LongCounter keyFetches) {
        static Instruments of(Meter meter) {
            return new Instruments(
                    meter.counterBuilder(DECISIONS).setUnit("{decision}")
                            .setDescription("Guarded requests, by outcome and refusal id").build(),
                    meter.histogramBuilder(DURATION).setUnit("s").setDescription("How long the caller check took")
                            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build(),
                    meter.counterBuilder(KEY_FETCHES).setUnit("{fetch}")
                            .setDescription("Fetches of the tenant's key set, by result").build());
        }
    }

    /**
     * The instruments of {@code openTelemetry}'s meter; the no-op's when building them fails (an SDK that throws),
     * said once. What fails later, recording (or {@code isEnabled} on an API older than 1.61), is caught there.
     */
    public GuardMetrics(OpenTelemetry openTelemetry) {
        Meter built;
        Instruments made;
        try {
            built = openTelemetry.getMeter(METER);
            made = Instruments.of(built);
        } catch (RuntimeException | LinkageError e) {
            unrecorded(e);
            built = OpenTelemetry.noop().getMeter(METER);
            made = Instruments.of(built);
        }
        this.meter = built;
        this.instruments = made;
    }

    /**
     * One guarded request's decision.
     *
     * @param function  the function's name
     * @param source    the credential the request presented: a bearer token (well-formed or not) or a trusted Easy
     *                  Auth principal; empty for neither
     * @param status    the answer's status (200 when allowed)
     * @param refusalId the refusal's stable id, or {@code null} when the caller was allowed
     * @param nanos     how long the check took
     */
    public void decided(String function, Optional<CallerSource> source, int status, String refusalId, long nanos) {
        try {
            if (!instruments.decisions().isEnabled() && !instruments.duration().isEnabled()) {
                return;
            }
            Attributes common = Attributes.builder()
                    .put(OUTCOME, refusalId == null ? "allowed" : "refused")
                    .put(STATUS, status)
                    .put(SOURCE, source.map(GuardMetrics::label).orElse("none"))
                    .put(FUNCTION, function)
                    .build();
            instruments.duration().record(nanos / 1e9, common);
            instruments.decisions().add(1, refusalId == null ? common
                    : common.toBuilder().put(ERROR_TYPE, refusalId).build());
        } catch (RuntimeException | LinkageError e) {
            unrecorded(e);
        }
    }

    /**
     * Whatever an SDK or agent throws (the API says it must not), or an API on the class path too old for these
     * calls: counting a decision never changes the answer, so it is dropped and said once, at WARNING, without the
     * request's data.
     */
    private void unrecorded(Throwable e) {
        if (!failureLogged.getAndSet(true)) {
            LOG.warning(() -> "CallerGuard could not record a metric (" + e.getClass().getName()
                    + "); decisions are unaffected, metrics may be missing");
        }
    }

    /** {@link #SOURCE}'s values: {@code bearer}, {@code easy_auth} (and {@code none}). */
    static String label(CallerSource source) {
        return switch (source) {
            case BEARER -> "bearer";
            case EASY_AUTH -> "easy_auth";
        };
    }

    /** One fetch of the key set. */
    public void keySetFetched(boolean ok) {
        try {
            instruments.keyFetches().add(1, Attributes.of(RESULT, ok ? "ok" : "failed"));
        } catch (RuntimeException | LinkageError e) {
            unrecorded(e);
        }
    }

    /**
     * Reports {@link #KEY_AGE} from {@code age} (empty while no key set is held) whenever the SDK collects; the
     * returned gauge stops it when closed; empty when the backend could not make one.
     */
    public Optional<ObservableDoubleGauge> observeKeySetAge(Supplier<Optional<Duration>> age) {
        try {
            return Optional.of(meter.gaugeBuilder(KEY_AGE).setUnit("s").setDescription("Age of the key set in use")
                    .buildWithCallback(measurement -> age.get()
                            .ifPresent(held -> measurement.record(held.toNanos() / 1e9))));
        } catch (RuntimeException | LinkageError e) {
            unrecorded(e);
            return Optional.empty();
        }
    }
}
