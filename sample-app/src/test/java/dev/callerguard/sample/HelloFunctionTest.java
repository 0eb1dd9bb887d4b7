package dev.callerguard.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.functions.HttpResponseMessage;
import dev.callerguard.testkit.EmulatedTenant;
import dev.callerguard.testkit.FunctionRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HelloFunctionTest {
    /** The apim identity's object id, which the sample's local.settings.json allows. */
    private static final String APIM = "a9100000-0000-4000-8000-000000000001";

    @RegisterExtension
    static final EmulatedTenant TENANT = EmulatedTenant.withLocalSettings();

    private static HttpResponseMessage call(FunctionRequest request) {
        return new HelloFunction(TENANT.guard()).run(request.build(), FunctionRequest.context("hello"));
    }

    private static String body(HttpResponseMessage response) {
        return response.getBody().toString();
    }

    @Test
    void greetsNameFromQueryForAllowedCaller() {
        HttpResponseMessage response = call(FunctionRequest.get("/api/hello").query("name", "Ada")
                .headers(TENANT.headers("apim")));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(body(response)).isEqualTo("Hello, Ada!");
    }

    @Test
    void greetsCallerObjectIdWithoutName() {
        HttpResponseMessage response = call(FunctionRequest.get("/api/hello").headers(TENANT.headers("apim")));

        assertThat(body(response)).isEqualTo("Hello, " + APIM + "!");
    }

    @Test
    void greetsNameFromJsonBody() {
        HttpResponseMessage response = call(FunctionRequest.post("/api/hello", "{\"name\": \"Grace\"}")
                .headers(TENANT.headers("apim")));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(body(response)).isEqualTo("Hello, Grace!");
    }

    @Test
    void refusesMalformedBodyWithClearMessage() {
        HttpResponseMessage response = call(FunctionRequest.post("/api/hello", "{\"name\": ")
                .headers(TENANT.headers("apim")));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response)).isEqualTo(HelloFunction.BAD_BODY);
    }

    @Test
    void refusesBodyWhoseNameIsNotText() {
        HttpResponseMessage response = call(FunctionRequest.post("/api/hello", "{\"name\": 42}")
                .headers(TENANT.headers("apim")));

        assertThat(response.getStatusCode()).isEqualTo(400);
    }

    @Test
    void refusesOverlongName() {
        HttpResponseMessage response = call(FunctionRequest.get("/api/hello")
                .query("name", "x".repeat(HelloFunction.MAX_NAME_LENGTH + 1)).headers(TENANT.headers("apim")));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response)).isEqualTo(HelloFunction.BAD_NAME);
    }

    @Test
    void checksCallerBeforeReadingBody() {
        HttpResponseMessage response = call(FunctionRequest.post("/api/hello", "{\"name\": "));

        assertThat(response.getStatusCode()).isEqualTo(401);
    }
}
