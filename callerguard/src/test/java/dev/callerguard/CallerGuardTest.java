package dev.callerguard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import dev.callerguard.internal.keys.SigningKeys;
import dev.callerguard.internal.runtime.GuardRuntime;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.internal.settings.SettingProblem;
import dev.callerguard.testing.GuardedApp;
import dev.callerguard.testing.LogCapture;
import dev.callerguard.testing.TestContext;
import dev.callerguard.testing.TestHttpRequest;
import dev.callerguard.testing.TestHttpResponse;
import dev.callerguard.testing.TestIds;
import dev.callerguard.testing.TestKeys;
import dev.callerguard.testing.TestPrincipals;
import dev.callerguard.testing.TestSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CallerGuardTest {
    private GuardedApp app;
    private final TestContext context = new TestContext("hello");
    private final AtomicReference<VerifiedCaller> handled = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        app = new GuardedApp();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private TestHttpResponse handle(CallerGuard guard, TestHttpRequest request) {
        HttpResponseMessage response = guard.handle(request, context, caller -> {
            handled.set(caller);
            return request.createResponseBuilder(HttpStatus.OK).body("handled").build();
        });
        return (TestHttpResponse) response;
    }

    private static JsonNode json(TestHttpResponse response) throws Exception {
        return new ObjectMapper().readTree(response.bodyText());
    }

    @Test
    void aCheckThatThrowsIsAnswered401CheckFailedNotAHost500() throws Exception {
        SigningKeys failing = kid -> {
            throw new IllegalStateException("key store broken");
        };
        CallerGuard guard = CallerGuard.over(GuardRuntime.of(GuardSettings.load(TestSettings.values(
                URI.create("http://127.0.0.1:1/keys"))), failing, app.clock));

        TestHttpResponse response = handle(guard, TestHttpRequest.get("/api/hello").bearer(app.token().sign()));

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(json(response).get("code").asText()).isEqualTo("CG401-CHECK-FAILED");
        assertThat(handled.get()).isNull();
        assertThat(context.lines()).anySatisfy(line -> assertThat(line).contains("SEVERE", "CG401-CHECK-FAILED",
                IllegalStateException.class.getName()).doesNotContain("key store broken"));
    }

    @Test
    void theStandardGuardOfThisProcessRefusesWith503WhileItsSettingsAreMissing() throws Exception {
        // The test JVM's environment holds no CALLERGUARD_ settings: the process-wide runtime is misconfigured.
        TestHttpResponse response = handle(CallerGuard.standard(), TestHttpRequest.get("/api/hello")
                .bearer(app.token().sign()));

        assertThat(GuardRuntime.shared().problems()).extracting(problem -> problem.setting())
                .contains(GuardSettings.TENANT_ID, GuardSettings.ALLOWED_CALLERS);
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(json(response).get("code").asText()).isEqualTo("CG503-SETTINGS");
        assertThat(handled.get()).isNull();
    }

    @Test
    void aFailedNarrowingOfAnyCallerLogsTheStar() {
        java.util.Map<String, String> anyCaller = new java.util.HashMap<>(TestSettings.values(
                URI.create("http://127.0.0.1:1/keys")));
        anyCaller.put(GuardSettings.ALLOWED_CALLERS, "*");
        CallerGuard guard = CallerGuard.over(GuardRuntime.of(GuardSettings.load(anyCaller), kid -> null, app.clock));
        List<String> lines;
        try (LogCapture log = LogCapture.ofRootLogger()) {
            guard.narrowedToCallers("alice@contoso.com");
            lines = log.lines();
        }

        assertThat(lines).filteredOn(line -> line.contains(CallerGuard.class.getName())).singleElement().asString()
                .contains("over the allowed callers * fails",
                "not an object id (GUID): alice@contoso.com");
    }

    @Test
    void aNarrowingThatThrowsWithoutAMessageIsLoggedByTheExceptionsClass() {
        List<String> lines;
        try (LogCapture log = LogCapture.ofRootLogger()) {
            CallerGuard narrowed = app.guard().requiringRoles((String) null);
            handle(narrowed, TestHttpRequest.get("/api/hello").bearer(app.token().sign()));
            lines = log.lines();
        }

        assertThat(lines).filteredOn(line -> line.contains(CallerGuard.class.getName())).singleElement().asString()
                .contains("SEVERE", NullPointerException.class.getName(),
                "CG503-NARROWING");
    }

    @Test
    void runsHandlerForAllowedCaller() {
        TestHttpResponse response = handle(app.guard(), TestHttpRequest.get("/api/hello")
                .bearer(app.token().sign()));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(handled.get().objectId()).isEqualTo(TestIds.ALLOWED_CALLER);
    }

    @Test
    void answersBareChallengeWithoutCredentials() throws Exception {
        TestHttpResponse response = handle(app.guard(), TestHttpRequest.get("/api/hello"));

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"callerguard\"");
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(json(response).get("code").asText()).isEqualTo("CG401-NO-CREDENTIALS");
        assertThat(json(response).get("invocationId").asText()).isEqualTo(context.getInvocationId());
        assertThat(handled.get()).isNull();
    }

    @Test
    void answersInvalidTokenForExpiredToken() throws Exception {
        String token = app.token().sign();
        app.clock.advance(Duration.ofHours(3));

        TestHttpResponse response = handle(app.guard(), TestHttpRequest.get("/api/hello").bearer(token));

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate"))
                .startsWith("Bearer realm=\"callerguard\", error=\"invalid_token\", error_description=");
        assertThat(response.bodyText()).doesNotContain(token);
        assertThat(json(response).get("code").asText()).isEqualTo("CG401-EXPIRED");
    }

    @Test
    void answersInvalidRequestForMalformedAuthorization() {
        TestHttpResponse response = handle(app.guard(), TestHttpRequest.get("/api/hello")
                .header("Authorization", "Bearer a b"));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getHeader("WWW-Authenticate")).contains("error=\"invalid_request\"");
    }

    @Test
    void answersInsufficientScopeForCallerNotAllowed() {
        TestHttpResponse response = handle(app.guard(), TestHttpRequest.get("/api/hello")
                .bearer(app.token().claim("oid", TestIds.INTRUDER).sign()));

        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(response.getHeader("WWW-Authenticate")).contains("error=\"insufficient_scope\"");
        assertThat(handled.get()).isNull();
    }

    @Test
    void answersServiceUnavailableWithRetryAfterWhenKeysCannotBeHad() {
        app.jwks.close();

        TestHttpResponse response = handle(app.guard(), TestHttpRequest.get("/api/hello")
                .bearer(app.token().sign()));

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("10");
        assertThat(response.getHeader("WWW-Authenticate")).isNull();
    }

    @Test
    void refusesEveryRequestWhenSettingsAreInvalid() throws Exception {
        GuardRuntime broken = GuardRuntime.misconfigured(
                List.of(new SettingProblem(GuardSettings.TENANT_ID, "is required")));

        TestHttpResponse response = handle(CallerGuard.over(broken), TestHttpRequest.get("/api/hello")
                .bearer(app.token().sign()));

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(json(response).get("code").asText()).isEqualTo("CG503-SETTINGS");
        assertThat(handled.get()).isNull();
    }

    @Test
    void requiringRolesAddsToTheAppWidePolicy() {
        CallerGuard reports = app.guard().requiringRoles("Reports.Read");

        assertThat(handle(reports, TestHttpRequest.get("/api/reports").bearer(app.token().sign())).getStatusCode())
                .isEqualTo(403);
        assertThat(handle(reports, TestHttpRequest.get("/api/reports")
                .bearer(app.token().roles("Reports.Read").sign())).getStatusCode()).isEqualTo(200);
    }

    @Test
    void requiringScopesRefusesAUserWithoutThemWithAChallengeThatNamesThem() throws Exception {
        app.settings.put(GuardSettings.CALLER_TYPES, "app,user");
        CallerGuard orders = app.guard().requiringScopes("Orders.Read");
        String withoutScope = app.token().claim("idtyp", "user").claim("scp", "user_impersonation")
                .claim("sub", "pairwise-subject").sign();
        String withScope = app.token().claim("idtyp", "user").claim("scp", "user_impersonation Orders.Read")
                .claim("sub", "pairwise-subject").sign();

        TestHttpResponse refused = handle(orders, TestHttpRequest.get("/api/orders").bearer(withoutScope));

        assertThat(refused.getStatusCode()).isEqualTo(403);
        assertThat(refused.getHeader("WWW-Authenticate")).endsWith(", scope=\"Orders.Read\"")
                .contains("error=\"insufficient_scope\"");
        assertThat(json(refused).get("code").asText()).isEqualTo("CG403-SCOPE");
        assertThat(handled.get()).isNull();
        assertThat(handle(orders, TestHttpRequest.get("/api/orders").bearer(withScope)).getStatusCode())
                .isEqualTo(200);
        assertThat(handle(orders, TestHttpRequest.get("/api/orders").bearer(app.token().sign())).getStatusCode())
                .as("an app token: judged by its roles").isEqualTo(200);
    }

    /** Review of the scopes change: under CALLER_TYPES=app a function's scopes can have no effect; it says so. */
    @Test
    void requiringScopesWhileOnlyApplicationsMayCallWarnsThatItChangesNothing() {
        List<String> lines;
        CallerGuard scoped;
        try (LogCapture log = LogCapture.ofRootLogger()) {
            scoped = app.guard().requiringScopes("Orders.Read");
            lines = log.lines();
        }

        assertThat(lines).filteredOn(line -> line.contains(CallerGuard.class.getName())).singleElement().asString()
                .contains("WARNING", "requiringScopes [Orders.Read] has no effect", "CALLERGUARD_CALLER_TYPES");
        assertThat(handle(scoped, TestHttpRequest.get("/api/orders").bearer(app.token().sign())).getStatusCode())
                .isEqualTo(200);
    }

    @Test
    void aScopeThatIsNoScopeValueMakesTheGuardRefuseWith503AndSaysWhyOnce() throws Exception {
        app.settings.put(GuardSettings.CALLER_TYPES, "app,user");
        List<String> lines;
        CallerGuard odd;
        try (LogCapture log = LogCapture.ofRootLogger()) {
            odd = app.guard().requiringScopes("Orders Read");
            lines = log.lines();
        }

        TestHttpResponse response = handle(odd, TestHttpRequest.get("/api/orders").bearer(app.token().sign()));

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(json(response).get("code").asText()).isEqualTo("CG503-NARROWING");
        assertThat(lines).filteredOn(line -> line.contains(CallerGuard.class.getName())).singleElement().asString()
                .contains("requiringScopes [Orders Read]", "not a scope value");
    }

    @Test
    void narrowedToCallersRefusesOtherAllowedCallers() {
        CallerGuard narrowed = app.guard().narrowedToCallers(TestIds.SECOND_ALLOWED_CALLER);

        TestHttpResponse response = handle(narrowed, TestHttpRequest.get("/api/hello")
                .bearer(app.token().sign()));

        assertThat(response.getStatusCode()).isEqualTo(403);
    }

    // Finding "a narrowing that leaves nobody crashes the function class": the guard is built, answers 503
    // CG503-NARROWING to every request, and the reason is logged once when it is built.

    @Test
    void narrowingThatLeavesNobodyAnswers503NotAHost500() throws Exception {
        CallerGuard narrowed = app.guard().narrowedToCallers(TestIds.INTRUDER);

        TestHttpResponse response = handle(narrowed, TestHttpRequest.get("/api/hello").bearer(app.token().sign()));

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(json(response).get("code").asText()).isEqualTo("CG503-NARROWING");
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.getHeader("WWW-Authenticate")).isNull();
        assertThat(handled.get()).isNull();
        assertThat(context.lines()).singleElement().asString()
                .contains("SEVERE", "function=hello", "outcome=refused", "status=503", "code=CG503-NARROWING");
    }

    @Test
    void narrowingToAnIdThatIsNotAGuidAnswers503NotAHost500() throws Exception {
        CallerGuard narrowed = app.guard().narrowedToCallers(TestIds.ALLOWED_CALLER, "alice@contoso.com");

        TestHttpResponse response = handle(narrowed, TestHttpRequest.get("/api/hello").bearer(app.token().sign()));

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(json(response).get("code").asText()).isEqualTo("CG503-NARROWING");
        assertThat(handled.get()).isNull();
    }

    @Test
    void narrowingToNoIdAtAllAnswers503NotAHost500() throws Exception {
        TestHttpResponse response = handle(app.guard().narrowedToCallers(), TestHttpRequest.get("/api/hello")
                .bearer(app.token().sign()));

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(json(response).get("code").asText()).isEqualTo("CG503-NARROWING");
    }

    @Test
    void narrowingThatLeavesNobodyIsLoggedOnceWhenBuiltNotPerRequest() {
        String token = app.token().sign();
        List<String> lines;
        try (LogCapture log = LogCapture.ofRootLogger()) {
            CallerGuard narrowed = app.guard().narrowedToCallers(TestIds.INTRUDER).requiringRoles("Reports.Read");
            assertThat(log.lines()).as("logged when the guard is built").hasSize(1);
            for (int i = 0; i < 3; i++) {
                handle(narrowed, TestHttpRequest.get("/api/hello").bearer(token));
            }
            lines = log.lines();
        }

        assertThat(lines).singleElement().asString().contains("SEVERE", CallerGuard.class.getName(),
                "narrowedToCallers [" + TestIds.INTRUDER + "]", TestIds.ALLOWED_CALLER,
                "narrowing leaves no allowed caller", "CG503-NARROWING").doesNotContain(token);
        assertThat(context.lines()).hasSize(3).allSatisfy(line -> assertThat(line)
                .contains("code=CG503-NARROWING").doesNotContain(token));
    }

    @Test
    void narrowingToAnIdThatIsNotAGuidLogsTheIdOnce() {
        List<String> lines;
        try (LogCapture log = LogCapture.ofRootLogger()) {
            CallerGuard narrowed = app.guard().narrowedToCallers("alice@contoso.com");
            handle(narrowed, TestHttpRequest.get("/api/hello").bearer(app.token().sign()));
            lines = log.lines();
        }

        assertThat(lines).singleElement().asString()
                .contains("SEVERE", "not an object id (GUID): alice@contoso.com", "CG503-NARROWING");
    }

    @Test
    void logsEachDecisionWithFunctionCallerAndCode() {
        handle(app.guard(), TestHttpRequest.get("/api/hello").bearer(app.token().sign()));
        handle(app.guard(), TestHttpRequest.get("/api/hello")
                .bearer(app.token().claim("oid", TestIds.INTRUDER).sign()));

        assertThat(context.lines()).anySatisfy(line -> assertThat(line)
                .contains("function=hello", "outcome=allowed", "caller=" + TestIds.ALLOWED_CALLER,
                        "app=" + TestIds.ALLOWED_CALLER_APP));
        assertThat(context.lines()).anySatisfy(line -> assertThat(line)
                .contains("function=hello", "outcome=refused", "status=403", "code=CG403-CALLER",
                        "caller=" + TestIds.INTRUDER));
    }

    /**
     * Issue "decisions as metrics": an allowance is logged at FINE (each INFO line is a billed trace in Application
     * Insights, and decisions are counted now); CALLERGUARD_LOG_ALLOWED=true brings the INFO line back. Refusals stay
     * at INFO either way.
     */
    @Test
    void logsAnAllowanceAtFineUnlessTheSettingAsksForInfo() {
        handle(app.guard(), TestHttpRequest.get("/api/hello").bearer(app.token().sign()));
        handle(app.guard(), TestHttpRequest.get("/api/hello").bearer(app.token().claim("oid", TestIds.INTRUDER).sign()));
        List<String> quiet = context.lines();
        app.settings.put(GuardSettings.LOG_ALLOWED, "true");
        TestContext loud = new TestContext("hello");
        app.guard().handle(TestHttpRequest.get("/api/hello").bearer(app.token().sign()), loud,
                caller -> TestHttpRequest.get("/").createResponseBuilder(com.microsoft.azure.functions.HttpStatus.OK)
                        .build());

        assertThat(quiet).filteredOn(line -> line.contains("outcome=allowed")).singleElement().asString()
                .startsWith("FINE ");
        assertThat(quiet).filteredOn(line -> line.contains("outcome=refused")).singleElement().asString()
                .startsWith("INFO ");
        assertThat(loud.lines()).filteredOn(line -> line.contains("outcome=allowed")).singleElement().asString()
                .startsWith("INFO ");
    }

    @Test
    void neverLogsTokenOrPrincipalHeaderValue() {
        List<String> secrets = new ArrayList<>();
        String valid = app.token().sign();
        String expired = app.token().claim("exp", 1L).sign();
        String badSignature = app.token().signedWithoutKidChange(TestKeys.OTHER).sign();
        String principal = TestPrincipals.allowedCaller().encode();
        secrets.addAll(List.of(valid, expired, badSignature, principal));

        handle(app.guard(), TestHttpRequest.get("/api/hello").bearer(valid));
        handle(app.guard(), TestHttpRequest.get("/api/hello").bearer(expired));
        handle(app.guard(), TestHttpRequest.get("/api/hello").bearer(badSignature));
        handle(app.guard(), TestHttpRequest.get("/api/hello").header("Authorization", "Bearer " + valid + " x"));
        handle(app.guard(), TestHttpRequest.get("/api/hello").header("X-MS-CLIENT-PRINCIPAL", principal));
        app.settings.put(GuardSettings.WEBSITE_AUTH_ENABLED, "true");
        handle(app.guard(), TestHttpRequest.get("/api/hello").header("X-MS-CLIENT-PRINCIPAL", principal));
        handle(app.guard(), TestHttpRequest.get("/api/hello").header("X-MS-CLIENT-PRINCIPAL", principal + "!"));

        assertThat(context.lines()).hasSizeGreaterThanOrEqualTo(7);
        for (String secret : secrets) {
            String signature = secret.substring(secret.lastIndexOf('.') + 1);
            assertThat(context.lines()).allSatisfy(line -> {
                assertThat(line).doesNotContain(secret);
                if (!signature.isEmpty()) {
                    assertThat(line).doesNotContain(signature);
                }
            });
        }
        assertThat(context.lines()).anySatisfy(line -> assertThat(line)
                .contains("WARNING", "X-MS-CLIENT-PRINCIPAL header ignored"));
    }
}
