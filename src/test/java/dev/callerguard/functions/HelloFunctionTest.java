package dev.callerguard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.testing.GuardedApp;
import dev.callerguard.testing.TestContext;
import dev.callerguard.local.LocalHttpResponse;
import dev.callerguard.testing.TestHttpRequest;
import dev.callerguard.testing.TestIds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HelloFunctionTest {
    private GuardedApp app;
    private HelloFunction hello;

    @BeforeEach
    void start() throws Exception {
        app = new GuardedApp();
        hello = new HelloFunction(app.guard());
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private LocalHttpResponse call(TestHttpRequest request) {
        return (LocalHttpResponse) hello.run(request, new TestContext("hello"));
    }

    @Test
    void greetsNameFromQueryForAllowedCaller() {
        LocalHttpResponse response = call(TestHttpRequest.get("/api/hello").query("name", "Ada")
                .bearer(app.token().sign()));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("Hello, Ada!");
    }

    @Test
    void greetsCallerObjectIdWithoutName() {
        LocalHttpResponse response = call(TestHttpRequest.get("/api/hello").bearer(app.token().sign()));

        assertThat(response.bodyText()).isEqualTo("Hello, " + TestIds.ALLOWED_CALLER + "!");
    }

    @Test
    void greetsNameFromJsonBody() {
        LocalHttpResponse response = call(TestHttpRequest.post("/api/hello", "{\"name\": \"Grace\"}")
                .bearer(app.token().sign()));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("Hello, Grace!");
    }

    @Test
    void refusesMalformedBodyWithClearMessage() {
        LocalHttpResponse response = call(TestHttpRequest.post("/api/hello", "{\"name\": ")
                .bearer(app.token().sign()));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.bodyText()).isEqualTo(HelloFunction.BAD_BODY);
    }

    @Test
    void refusesBodyWhoseNameIsNotText() {
        LocalHttpResponse response = call(TestHttpRequest.post("/api/hello", "{\"name\": 42}")
                .bearer(app.token().sign()));

        assertThat(response.getStatusCode()).isEqualTo(400);
    }

    @Test
    void refusesOverlongName() {
        LocalHttpResponse response = call(TestHttpRequest.get("/api/hello")
                .query("name", "x".repeat(HelloFunction.MAX_NAME_LENGTH + 1)).bearer(app.token().sign()));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.bodyText()).isEqualTo(HelloFunction.BAD_NAME);
    }

    @Test
    void checksCallerBeforeReadingBody() {
        LocalHttpResponse response = call(TestHttpRequest.post("/api/hello", "{\"name\": "));

        assertThat(response.getStatusCode()).isEqualTo(401);
    }
}
