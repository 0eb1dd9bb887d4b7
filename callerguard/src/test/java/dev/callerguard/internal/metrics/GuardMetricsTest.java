package dev.callerguard.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.callerguard.CallerSource;
import io.opentelemetry.api.OpenTelemetry;
import dev.callerguard.testing.BrokenOpenTelemetry;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The metric and attribute names are a contract that dashboards, queries and alerts read: pinned here, literally. */
class GuardMetricsTest {

    @Test
    void theNamesAreTheContract() {
        assertThat(GuardMetrics.METER).isEqualTo("dev.callerguard");
        assertThat(GuardMetrics.DECISIONS).isEqualTo("callerguard.decisions");
        assertThat(GuardMetrics.DURATION).isEqualTo("callerguard.decision.duration");
        assertThat(GuardMetrics.KEY_FETCHES).isEqualTo("callerguard.keyset.fetches");
        assertThat(GuardMetrics.KEY_AGE).isEqualTo("callerguard.keyset.age");
        assertThat(GuardMetrics.OUTCOME.getKey()).isEqualTo("callerguard.outcome");
        assertThat(GuardMetrics.ERROR_TYPE.getKey()).isEqualTo("error.type");
        assertThat(GuardMetrics.STATUS.getKey()).isEqualTo("http.response.status_code");
        assertThat(GuardMetrics.SOURCE.getKey()).isEqualTo("callerguard.source");
        assertThat(GuardMetrics.FUNCTION.getKey()).isEqualTo("callerguard.function");
        assertThat(GuardMetrics.RESULT.getKey()).isEqualTo("callerguard.result");
    }

    @Test
    void namesTheSourcesAsTheContractDoes() {
        assertThat(GuardMetrics.label(CallerSource.BEARER)).isEqualTo("bearer");
        assertThat(GuardMetrics.label(CallerSource.EASY_AUTH)).isEqualTo("easy_auth");
    }

    @Test
    void theDurationBucketsRiseFromMicrosecondsToTheKeyFetchDeadline() {
        assertThat(GuardMetrics.DURATION_BUCKETS).isSorted().first().isEqualTo(0.000_005);
        assertThat(GuardMetrics.DURATION_BUCKETS).last().isEqualTo(5.0);
    }

    @Test
    void withoutAnSdkNothingIsRecordedAndNothingThrows() {
        GuardMetrics none = new GuardMetrics(OpenTelemetry.noop());

        none.decided("f", Optional.empty(), 401, "CG401-NO-CREDENTIALS", 1_000);
        none.keySetFetched(true);
        assertThat(none.observeKeySetAge(Optional::empty)).isNotNull();
        assertThat(GuardMetrics.NONE).isNotNull();
    }

    /** A metrics backend that throws (against the API's rules) must never change a decision: nothing escapes. */
    @Test
    void whatABrokenBackendThrowsNeverEscapes() {
        for (OpenTelemetry broken : List.of(BrokenOpenTelemetry.throwingOnRecord(),
                BrokenOpenTelemetry.throwingEverywhere())) {
            GuardMetrics metrics = new GuardMetrics(broken);

            assertThatCode(() -> {
                metrics.decided("f", Optional.of(CallerSource.BEARER), 200, null, 1_000);
                metrics.decided("f", Optional.empty(), 401, "CG401-NO-CREDENTIALS", 1_000);
                metrics.keySetFetched(true);
                metrics.observeKeySetAge(Optional::empty);
            }).doesNotThrowAnyException();
        }
    }
}
