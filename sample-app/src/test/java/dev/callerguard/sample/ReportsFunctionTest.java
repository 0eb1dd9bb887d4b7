package dev.callerguard.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.HttpResponseMessage;
import dev.callerguard.testkit.EmulatedTenant;
import dev.callerguard.testkit.FunctionRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReportsFunctionTest {
    /** The reporter identity's object id: allowed by the sample's local.settings.json, holds Reports.Read. */
    private static final String REPORTER = "4e900000-0000-4000-8000-000000000001";

    @RegisterExtension
    static final EmulatedTenant TENANT = EmulatedTenant.withLocalSettings();

    private static HttpResponseMessage call(String authorization) {
        return new ReportsFunction(TENANT.guard()).run(
                FunctionRequest.get("/api/reports").header("Authorization", authorization).build(),
                FunctionRequest.context("reports"));
    }

    @Test
    void servesReportsToAllowedCallerWithReportsRole() throws Exception {
        HttpResponseMessage response = call(TENANT.authorization("reporter"));

        JsonNode body = Json.MAPPER.readTree(response.getBody().toString());
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(body.get("reader").asText()).isEqualTo(REPORTER);
        assertThat(body.get("reports")).isNotEmpty();
    }

    @Test
    void refusesAllowedCallerWithoutReportsRole() {
        HttpResponseMessage response = call(TENANT.authorization("apim"));

        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(response.getHeader("WWW-Authenticate")).contains("error=\"insufficient_scope\"");
    }

    @Test
    void refusesCallerOutsideAllowlistEvenWithReportsRole() {
        HttpResponseMessage response = call(TENANT.authorization("intruder",
                Map.of("roles", List.of(ReportsFunction.REQUIRED_ROLE))));

        assertThat(response.getStatusCode()).isEqualTo(403);
    }
}
