package dev.callerguard.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.HttpResponseMessage;
import dev.callerguard.testkit.EmulatedTenant;
import dev.callerguard.testkit.FunctionRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WhoAmIFunctionTest {
    @RegisterExtension
    static final EmulatedTenant TENANT = EmulatedTenant.withLocalSettings();

    @Test
    void describesVerifiedCaller() throws Exception {
        String authorization = TENANT.authorization("apim");

        HttpResponseMessage response = new WhoAmIFunction(TENANT.guard()).run(
                FunctionRequest.get("/api/whoami").header("Authorization", authorization).build(),
                FunctionRequest.context("whoami"));

        String text = response.getBody().toString();
        JsonNode body = Json.MAPPER.readTree(text);
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(body.get("objectId").asText()).isEqualTo("a9100000-0000-4000-8000-000000000001");
        assertThat(body.get("tenantId").asText()).isEqualTo("7e57e57e-0000-4000-8000-000000000001");
        assertThat(body.get("appId").asText()).isEqualTo("a9100000-0000-4000-8000-0000000000c1");
        assertThat(body.get("roles").get(0).asText()).isEqualTo("Function.Invoke");
        assertThat(body.get("source").asText()).isEqualTo("bearer");
        assertThat(body.get("claims").get("idtyp").asText()).isEqualTo("app");
        assertThat(text).doesNotContain(authorization.substring("Bearer ".length()));
    }

    @Test
    void refusesAnonymousCaller() {
        HttpResponseMessage response = new WhoAmIFunction(TENANT.guard()).run(
                FunctionRequest.get("/api/whoami").build(), FunctionRequest.context("whoami"));

        assertThat(response.getStatusCode()).isEqualTo(401);
    }
}
