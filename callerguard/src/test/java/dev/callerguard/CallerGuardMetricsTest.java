package dev.callerguard;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import dev.callerguard.internal.keys.JwksKeySetSource;
import dev.callerguard.internal.keys.KeySetCache;
import dev.callerguard.internal.metrics.GuardMetrics;
import dev.callerguard.internal.runtime.GuardRuntime;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.testing.GuardedApp;
import dev.callerguard.testing.TestContext;
import dev.callerguard.testing.TestHttpRequest;
import dev.callerguard.testing.TestIds;
import dev.callerguard.testing.TestKeys;
import dev.callerguard.testing.TestSettings;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a guard records through the OpenTelemetry API, read with the SDK's in-memory reader: one
 * {@code callerguard.decisions} point and one {@code callerguard.decision.duration} measurement per guarded request,
 * with the attributes the contract names, for an allowance and for each kind of refusal; never an object id or app id.
 */
class CallerGuardMetricsTest {
    private static final String FUNCTION = "orders";

    private GuardedApp app;
    private InMemoryMetricReader reader;
    private OpenTelemetrySdk sdk;
    private GuardMetrics metrics;

    @BeforeEach
    void start() throws Exception {
        app = new GuardedApp();
        reader = InMemoryMetricReader.create();
        sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
        metrics = new GuardMetrics(sdk);
    }

    @AfterEach
    void stop() {
        sdk.close();
        app.close();
    }

    private CallerGuard guard() {
        GuardSettings settings = GuardSettings.load(app.settings);
        return TestGuards.over(GuardRuntime.of(settings, new KeySetCache(new JwksKeySetSource(settings.keysUrl()),
                app.clock, KeySetCache.Timing.DEFAULT, metrics), app.clock, metrics));
    }

    private int call(CallerGuard guard, TestHttpRequest request) {
        return guard.handle(request, new TestContext(FUNCTION),
                caller -> request.createResponseBuilder(HttpStatus.OK).body("ok").build()).getStatusCode();
    }

    /** Every request kind the issue names, the guard it meets, and what it must be counted as. */
    static Stream<Arguments> decisions() {
        Function<CallerGuardMetricsTest, String> valid = test -> test.app.token().sign();
        return Stream.of(
                Arguments.of("an allowed caller", (Case) test -> test.call(test.guard(),
                        TestHttpRequest.get("/").bearer(valid.apply(test))), 200, null, "bearer"),
                Arguments.of("no credentials", (Case) test -> test.call(test.guard(), TestHttpRequest.get("/")),
                        401, "CG401-NO-CREDENTIALS", "none"),
                Arguments.of("a bad signature", (Case) test -> test.call(test.guard(), TestHttpRequest.get("/")
                        .bearer(test.app.token().signedWithoutKidChange(TestKeys.SECONDARY).sign())),
                        401, "CG401-SIGNATURE", "bearer"),
                Arguments.of("a wrong audience", (Case) test -> test.call(test.guard(), TestHttpRequest.get("/")
                        .bearer(test.app.token().claim("aud", "api://another").sign())), 401, "CG401-AUDIENCE",
                        "bearer"),
                Arguments.of("a caller not allowed", (Case) test -> test.call(test.guard(), TestHttpRequest.get("/")
                        .bearer(test.app.token().claim("oid", TestIds.INTRUDER).claim("sub", TestIds.INTRUDER)
                                .sign())), 403, "CG403-CALLER", "bearer"),
                Arguments.of("a role missing", (Case) test -> test.call(test.guard().requiringRoles("Reports.Read"),
                        TestHttpRequest.get("/").bearer(valid.apply(test))), 403, "CG403-ROLE", "bearer"),
                Arguments.of("keys unavailable", (Case) CallerGuardMetricsTest::callWithKeysUnavailable, 503,
                        "CG503-KEYS", "bearer"),
                Arguments.of("settings invalid", (Case) test -> test.call(TestGuards.over(GuardRuntime.load(
                        Map.<String, String>of()::get, test.app.clock, test.metrics)),
                        TestHttpRequest.get("/").bearer(valid.apply(test))), 503, "CG503-SETTINGS", "none"));
    }

    interface Case {
        int run(CallerGuardMetricsTest test) throws Exception;
    }

    private int callWithKeysUnavailable() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        app.settings.put(GuardSettings.KEYS_URL, "http://127.0.0.1:" + closed + "/keys");
        return call(guard(), TestHttpRequest.get("/").bearer(app.token().sign()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void countsEachDecisionWithTheAttributesOfTheContract(String name, Case request, int status, String refusalId,
                                                          String source) throws Exception {
        assertThat(request.run(this)).isEqualTo(status);

        Collection<MetricData> collected = reader.collectAllMetrics();
        Attributes common = Attributes.builder()
                .put(GuardMetrics.OUTCOME, refusalId == null ? "allowed" : "refused")
                .put(GuardMetrics.STATUS, (long) status)
                .put(GuardMetrics.SOURCE, source)
                .put(GuardMetrics.FUNCTION, FUNCTION)
                .build();
        Attributes expected = refusalId == null ? common
                : common.toBuilder().put(GuardMetrics.ERROR_TYPE, refusalId).build();
        assertThat(decisionPoints(collected)).singleElement().satisfies(point -> {
            assertThat(point.getAttributes()).isEqualTo(expected);
            assertThat(point.getValue()).isEqualTo(1);
        });
        assertThat(durationPoints(collected)).singleElement().satisfies(point -> {
            assertThat(point.getAttributes()).isEqualTo(common);
            assertThat(point.getCount()).isEqualTo(1);
            assertThat(point.getSum()).isGreaterThanOrEqualTo(0);
        });
    }

    @Test
    void neverRecordsAnObjectIdAnAppIdOrAnyPartOfAToken() {
        String token = app.token().claim("oid", TestIds.INTRUDER).claim("sub", TestIds.INTRUDER).sign();
        call(guard(), TestHttpRequest.get("/").bearer(token));
        call(guard(), TestHttpRequest.get("/").bearer(app.token().sign()));
        call(guard(), TestHttpRequest.get("/").bearer(token + "x"));

        Stream<String> values = reader.collectAllMetrics().stream()
                .flatMap(metric -> metric.getData().getPoints().stream())
                .flatMap(point -> point.getAttributes().asMap().values().stream()).map(String::valueOf);
        assertThat(values.toList()).isNotEmpty().allSatisfy(value -> assertThat(value)
                .doesNotContain(TestIds.INTRUDER, TestIds.ALLOWED_CALLER, TestIds.ALLOWED_CALLER_APP, "ey")
                .isNotIn(List.of(token.split("\\."))));
    }

    @Test
    void countsTheFunctionsOwnStatusForAnAllowedCaller() {
        TestHttpRequest request = TestHttpRequest.get("/").bearer(app.token().sign());
        guard().handle(request, new TestContext(FUNCTION),
                caller -> request.createResponseBuilder(HttpStatus.NOT_FOUND).build());

        assertThat(decisionPoints(reader.collectAllMetrics())).singleElement()
                .satisfies(point -> assertThat(point.getAttributes().get(GuardMetrics.STATUS)).isEqualTo(404L));
    }

    @Test
    void countsKeyFetchesByResultAndReportsTheAgeOfTheKeysInUse() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Map<String, String> unreachable = new HashMap<>(TestSettings.values(URI.create("http://127.0.0.1:" + closed
                + "/keys")));
        CallerGuard failing = TestGuards.over(GuardRuntime.load(unreachable::get, app.clock, metrics));
        CallerGuard working = TestGuards.over(GuardRuntime.load(app.settings::get, app.clock, metrics));

        call(failing, TestHttpRequest.get("/").bearer(app.token().sign()));
        call(working, TestHttpRequest.get("/").bearer(app.token().sign()));
        app.clock.advance(java.time.Duration.ofSeconds(90));
        Collection<MetricData> collected = reader.collectAllMetrics();

        assertThat(metric(collected, GuardMetrics.KEY_FETCHES).getLongSumData().getPoints())
                .extracting(point -> point.getAttributes().get(GuardMetrics.RESULT) + "=" + point.getValue())
                .containsExactlyInAnyOrder("ok=1", "failed=1");
        assertThat(metric(collected, GuardMetrics.KEY_AGE).getDoubleGaugeData().getPoints())
                .as("only the runtime that holds keys reports an age").singleElement()
                .satisfies(point -> assertThat(point.getValue()).isEqualTo(90.0));
    }

    /** Review of the metrics change: a backend that throws, even from isEnabled, changes no answer. */
    @Test
    void aBrokenMetricsBackendChangesNoAnswerAndHidesNoHandlerException() {
        GuardSettings settings = GuardSettings.load(app.settings);
        GuardMetrics broken = new GuardMetrics(dev.callerguard.testing.BrokenOpenTelemetry.throwingEverywhere());
        CallerGuard guard = TestGuards.over(GuardRuntime.of(settings, new KeySetCache(new JwksKeySetSource(
                settings.keysUrl()), app.clock, KeySetCache.Timing.DEFAULT, broken), app.clock, broken));
        CallerGuard misconfigured = TestGuards.over(GuardRuntime.load(Map.<String, String>of()::get, app.clock, broken));

        assertThat(call(guard, TestHttpRequest.get("/").bearer(app.token().sign()))).isEqualTo(200);
        assertThat(call(guard, TestHttpRequest.get("/"))).isEqualTo(401);
        assertThat(call(misconfigured, TestHttpRequest.get("/").bearer(app.token().sign()))).isEqualTo(503);
        TestHttpRequest request = TestHttpRequest.get("/").bearer(app.token().sign());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> guard.handle(request, new TestContext(FUNCTION),
                caller -> {
                    throw new UnsupportedOperationException("the function's own failure");
                })).isInstanceOf(UnsupportedOperationException.class).hasMessage("the function's own failure");
    }

    @Test
    void anAnswerWhoseStatusCannotBeReadIsCountedAs500AndStillReturned() {
        TestHttpRequest request = TestHttpRequest.get("/").bearer(app.token().sign());
        HttpResponseMessage odd = new HttpResponseMessage() {
            @Override
            public com.microsoft.azure.functions.HttpStatusType getStatus() {
                throw new IllegalStateException("no status");
            }

            @Override
            public String getHeader(String key) {
                return null;
            }

            @Override
            public Object getBody() {
                return null;
            }
        };

        assertThat(guard().handle(request, new TestContext(FUNCTION), caller -> odd)).isSameAs(odd);
        assertThat(decisionPoints(reader.collectAllMetrics())).singleElement()
                .satisfies(point -> assertThat(point.getAttributes().get(GuardMetrics.STATUS)).isEqualTo(500L));
    }

    private static MetricData metric(Collection<MetricData> collected, String name) {
        return collected.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in " + collected));
    }

    private static Collection<LongPointData> decisionPoints(Collection<MetricData> collected) {
        MetricData decisions = metric(collected, GuardMetrics.DECISIONS);
        assertThat(decisions.getUnit()).isEqualTo("{decision}");
        assertThat(decisions.getInstrumentationScopeInfo().getName()).isEqualTo(GuardMetrics.METER);
        return decisions.getLongSumData().getPoints();
    }

    private static Collection<HistogramPointData> durationPoints(Collection<MetricData> collected) {
        MetricData duration = metric(collected, GuardMetrics.DURATION);
        assertThat(duration.getUnit()).isEqualTo("s");
        return duration.getHistogramData().getPoints();
    }
}
