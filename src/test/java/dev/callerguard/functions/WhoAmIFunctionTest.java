package dev.callerguard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.callerguard.testing.GuardedApp;
import dev.callerguard.testing.TestContext;
import dev.callerguard.local.LocalHttpResponse;
import dev.callerguard.testing.TestHttpRequest;
import dev.callerguard.testing.TestIds;
import org.junit.jupiter.api.Test;

class WhoAmIFunctionTest {

    @Test
    void describesVerifiedCaller() throws Exception {
        try (GuardedApp app = new GuardedApp()) {
            String token = app.token().roles("Function.Invoke").sign();

            LocalHttpResponse response = (LocalHttpResponse) new WhoAmIFunction(app.guard())
                    .run(TestHttpRequest.get("/api/whoami").bearer(token), new TestContext("whoami"));

            JsonNode body = Json.MAPPER.readTree(response.bodyText());
            assertThat(response.getStatusCode()).isEqualTo(200);
            assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
            assertThat(body.get("objectId").asText()).isEqualTo(TestIds.ALLOWED_CALLER);
            assertThat(body.get("tenantId").asText()).isEqualTo(TestIds.TENANT);
            assertThat(body.get("appId").asText()).isEqualTo(TestIds.ALLOWED_CALLER_APP);
            assertThat(body.get("roles").get(0).asText()).isEqualTo("Function.Invoke");
            assertThat(body.get("source").asText()).isEqualTo("bearer");
            assertThat(body.get("claims").get("idtyp").asText()).isEqualTo("app");
            assertThat(response.bodyText()).doesNotContain(token);
        }
    }

    @Test
    void refusesAnonymousCaller() throws Exception {
        try (GuardedApp app = new GuardedApp()) {
            LocalHttpResponse response = (LocalHttpResponse) new WhoAmIFunction(app.guard())
                    .run(TestHttpRequest.get("/api/whoami"), new TestContext("whoami"));

            assertThat(response.getStatusCode()).isEqualTo(401);
        }
    }
}
