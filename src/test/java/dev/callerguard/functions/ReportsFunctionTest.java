package dev.callerguard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.callerguard.testing.GuardedApp;
import dev.callerguard.testing.TestContext;
import dev.callerguard.local.LocalHttpResponse;
import dev.callerguard.testing.TestHttpRequest;
import dev.callerguard.testing.TestIds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReportsFunctionTest {
    private GuardedApp app;
    private ReportsFunction reports;

    @BeforeEach
    void start() throws Exception {
        app = new GuardedApp();
        reports = new ReportsFunction(app.guard());
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private LocalHttpResponse call(String token) {
        return (LocalHttpResponse) reports.run(TestHttpRequest.get("/api/reports").bearer(token),
                new TestContext("reports"));
    }

    @Test
    void servesReportsToAllowedCallerWithReportsRole() throws Exception {
        LocalHttpResponse response = call(app.token().roles(ReportsFunction.REQUIRED_ROLE).sign());

        JsonNode body = Json.MAPPER.readTree(response.bodyText());
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(body.get("reader").asText()).isEqualTo(TestIds.ALLOWED_CALLER);
        assertThat(body.get("reports")).isNotEmpty();
    }

    @Test
    void refusesAllowedCallerWithoutReportsRole() {
        LocalHttpResponse response = call(app.token().roles("Function.Invoke").sign());

        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(response.getHeader("WWW-Authenticate")).contains("error=\"insufficient_scope\"");
    }

    @Test
    void refusesCallerOutsideAllowlistEvenWithReportsRole() {
        LocalHttpResponse response = call(app.token().claim("oid", TestIds.INTRUDER)
                .roles(ReportsFunction.REQUIRED_ROLE).sign());

        assertThat(response.getStatusCode()).isEqualTo(403);
    }
}
