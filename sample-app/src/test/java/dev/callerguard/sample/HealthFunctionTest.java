package dev.callerguard.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.HttpResponseMessage;
import dev.callerguard.CallerGuard;
import dev.callerguard.testkit.EmulatedTenant;
import dev.callerguard.testkit.FunctionRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HealthFunctionTest {
    @RegisterExtension
    static final EmulatedTenant TENANT = EmulatedTenant.withLocalSettings();

    private static final RelaySettings.Loaded NO_RELAY = RelaySettings.load(name -> null);

    private static HttpResponseMessage call(CallerGuard guard) {
        return call(guard, NO_RELAY);
    }

    private static HttpResponseMessage call(CallerGuard guard, RelaySettings.Loaded relay) {
        return new HealthFunction(guard, relay).run(FunctionRequest.get("/api/health").build(),
                FunctionRequest.context("health"));
    }

    @Test
    void answersOkWhenSettingsAreValid() throws Exception {
        HttpResponseMessage response = call(TENANT.guard());

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(response.getBody().toString()).get("status").asText()).isEqualTo("ok");
        assertThat(TENANT.keySetRequests()).isZero();
    }

    @Test
    void namesEverySettingInErrorButNeverItsValue() throws Exception {
        String secretLookingValue = "not-a-tenant-value-4711";
        CallerGuard misconfigured = EmulatedTenant.guardUnder(Map.of(
                "CALLERGUARD_TENANT_ID", secretLookingValue,
                "CALLERGUARD_CLOCK_SKEW_SECONDS", "forever"));

        HttpResponseMessage response = call(misconfigured);

        String text = response.getBody().toString();
        JsonNode body = Json.MAPPER.readTree(text);
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(body.get("status").asText()).isEqualTo("misconfigured");
        assertThat(body.get("settings")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
                "CALLERGUARD_TENANT_ID", "CALLERGUARD_AUDIENCES", "CALLERGUARD_ALLOWED_CALLERS",
                "CALLERGUARD_CLOCK_SKEW_SECONDS");
        assertThat(text).doesNotContain(secretLookingValue).doesNotContain("forever");
    }

    /**
     * Second review, finding "the relay's settings are never validated": a malformed CALLERGUARD_RELAY_URL failed
     * every /api/relay call from a static initialiser while health said ok. Now health names the setting.
     */
    @Test
    void namesARelaySettingInErrorButNeverItsValue() throws Exception {
        RelaySettings.Loaded relay = RelaySettings.load(
                Map.of(RelaySettings.RELAY_URL, "http://relay.example.net/x")::get);

        HttpResponseMessage response = call(TENANT.guard(), relay);

        String text = response.getBody().toString();
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(Json.MAPPER.readTree(text).get("settings")).extracting(JsonNode::asText)
                .containsExactly("CALLERGUARD_RELAY_URL");
        assertThat(text).doesNotContain("relay.example.net");
    }
}
