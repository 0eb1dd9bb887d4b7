package dev.callerguard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.callerguard.auth.GuardSettings;
import dev.callerguard.auth.InvalidSettingsException;
import dev.callerguard.testing.GuardedApp;
import dev.callerguard.testing.TestContext;
import dev.callerguard.local.LocalHttpResponse;
import dev.callerguard.testing.TestHttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthFunctionTest {

    private static LocalHttpResponse call(GuardRuntime runtime) {
        return (LocalHttpResponse) new HealthFunction(runtime)
                .run(TestHttpRequest.get("/api/health"), new TestContext("health"));
    }

    @Test
    void answersOkWhenSettingsAreValid() throws Exception {
        try (GuardedApp app = new GuardedApp()) {
            LocalHttpResponse response = call(app.runtime());

            assertThat(response.getStatusCode()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(response.bodyText()).get("status").asText()).isEqualTo("ok");
            assertThat(app.jwks.requestCount()).isZero();
        }
    }

    @Test
    void namesEverySettingInErrorButNeverItsValue() throws Exception {
        String secretLookingValue = "not-a-tenant-value-4711";
        Map<String, String> values = Map.of(
                GuardSettings.TENANT_ID, secretLookingValue,
                GuardSettings.CLOCK_SKEW_SECONDS, "forever");
        InvalidSettingsException invalid = null;
        try {
            GuardSettings.load(values);
        } catch (InvalidSettingsException e) {
            invalid = e;
        }
        assertThat(invalid).isNotNull();

        LocalHttpResponse response = call(GuardRuntime.misconfigured(invalid.problems()));

        JsonNode body = Json.MAPPER.readTree(response.bodyText());
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(body.get("status").asText()).isEqualTo("misconfigured");
        assertThat(body.get("settings")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
                GuardSettings.TENANT_ID, GuardSettings.AUDIENCES, GuardSettings.ALLOWED_CALLERS,
                GuardSettings.CLOCK_SKEW_SECONDS);
        assertThat(response.bodyText()).doesNotContain(secretLookingValue).doesNotContain("forever");
    }
}
