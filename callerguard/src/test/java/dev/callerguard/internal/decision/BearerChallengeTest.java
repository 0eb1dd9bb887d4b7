package dev.callerguard.internal.decision;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BearerChallengeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String INVOCATION_ID = "5f0c9a2e-1b3d-4c5e-8f7a-9b0c1d2e3f4a";

    private static JsonNode body(HttpRefusal http) throws Exception {
        return MAPPER.readTree(http.body());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void noCredentialsIsUnauthorizedWithAChallengeWithoutError() {
        HttpRefusal http = BearerChallenge.render(Refusal.NO_CREDENTIALS, INVOCATION_ID);

        assertThat(http.status()).isEqualTo(401);
        assertThat(http.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"callerguard\"");
    }

    @Test
    void malformedAuthorizationIsBadRequestWithInvalidRequest() {
        HttpRefusal http = BearerChallenge.render(Refusal.MALFORMED_AUTHORIZATION, INVOCATION_ID);

        assertThat(http.status()).isEqualTo(400);
        assertThat(http.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"callerguard\", "
                + "error=\"invalid_request\", "
                + "error_description=\"The Authorization header must be 'Bearer' followed by exactly one token.\"");
    }

    @Test
    void invalidTokenIsUnauthorizedWithInvalidToken() {
        HttpRefusal http = BearerChallenge.render(Refusal.AUDIENCE, INVOCATION_ID);

        assertThat(http.status()).isEqualTo(401);
        assertThat(http.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"callerguard\", "
                + "error=\"invalid_token\", error_description=\"The token's audience is not this API.\"");
    }

    @Test
    void notAllowedCallerIsForbiddenWithInsufficientScope() {
        HttpRefusal http = BearerChallenge.render(Refusal.CALLER_NOT_ALLOWED, INVOCATION_ID);

        assertThat(http.status()).isEqualTo(403);
        assertThat(http.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"callerguard\", "
                + "error=\"insufficient_scope\", error_description=\"The caller is not allowed to call this API.\"");
    }

    /** RFC 6750 section 3: a 403 for a missing scope may name the scope the resource requires. */
    @Test
    void aMissingScopeNamesTheRequiredScopesInTheChallengeAndTheBody() throws Exception {
        HttpRefusal http = BearerChallenge.render(Refusal.SCOPE_MISSING,
                new java.util.LinkedHashSet<>(List.of("Orders.Read", "Orders.Write")), INVOCATION_ID);

        assertThat(http.status()).isEqualTo(403);
        assertThat(http.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"callerguard\", "
                + "error=\"insufficient_scope\", error_description=\"" + Refusal.SCOPE_MISSING.description()
                + "\", scope=\"Orders.Read Orders.Write\"");
        JsonNode body = body(http);
        assertThat(body.get("code").textValue()).isEqualTo("CG403-SCOPE");
        assertThat(body.get("scope").textValue()).isEqualTo("Orders.Read Orders.Write");
    }

    @ParameterizedTest
    @EnumSource(value = Refusal.class, mode = EnumSource.Mode.EXCLUDE, names = "SCOPE_MISSING")
    void noOtherRefusalNamesAScope(Refusal refusal) throws Exception {
        HttpRefusal http = BearerChallenge.render(refusal, Set.of("Orders.Read"), INVOCATION_ID);

        assertThat(http).isEqualTo(BearerChallenge.render(refusal, INVOCATION_ID));
        assertThat(String.valueOf(http.headers().get("WWW-Authenticate"))).doesNotContain("scope=");
        assertThat(body(http).has("scope")).isFalse();
    }

    @Test
    void keysUnavailableIsServiceUnavailableWithRetryAfterAndNoChallenge() {
        HttpRefusal http = BearerChallenge.render(Refusal.KEYS_UNAVAILABLE, INVOCATION_ID);

        assertThat(http.status()).isEqualTo(503);
        assertThat(http.headers()).containsEntry("Retry-After", "10").doesNotContainKey("WWW-Authenticate");
    }

    @Test
    void notConfiguredIsServiceUnavailableWithoutChallenge() {
        HttpRefusal http = BearerChallenge.render(Refusal.NOT_CONFIGURED, INVOCATION_ID);

        assertThat(http.status()).isEqualTo(503);
        assertThat(http.headers()).doesNotContainKey("WWW-Authenticate");
    }

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void rendersTheStatusOfTheRefusalsKind(Refusal refusal) {
        assertThat(BearerChallenge.render(refusal, INVOCATION_ID).status()).isEqualTo(refusal.kind().status());
    }

    @ParameterizedTest
    @EnumSource(value = RefusalKind.class, names = {"INVALID_REQUEST", "INVALID_TOKEN", "INSUFFICIENT_SCOPE"})
    void challengesEveryRefusalOfAnErrorKindWithItsErrorCode(RefusalKind kind) {
        for (Refusal refusal : Refusal.values()) {
            if (refusal.kind() == kind) {
                assertThat(BearerChallenge.render(refusal, INVOCATION_ID).headers().get("WWW-Authenticate"))
                        .startsWith("Bearer realm=\"callerguard\", error=\"" + kind.errorCode() + "\", ");
            }
        }
    }

    /** RFC 6750 section 3: error_description holds only %x20-21 / %x23-5B / %x5D-7E, so no quote or backslash. */
    @ParameterizedTest
    @EnumSource(Refusal.class)
    void usesOnlyCharactersRfc6750AllowsInTheErrorDescription(Refusal refusal) {
        assertThat(refusal.description().chars())
                .allMatch(c -> c == 0x20 || c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E));
    }

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void answersWithAnUncachedProblemJsonBody(Refusal refusal) {
        HttpRefusal http = BearerChallenge.render(refusal, INVOCATION_ID);

        assertThat(http.headers()).containsEntry("Content-Type", "application/problem+json")
                .containsEntry("Cache-Control", "no-store");
    }

    @Test
    void bodyCarriesTheStableIdAndTheInvocationId() throws Exception {
        JsonNode body = body(BearerChallenge.render(Refusal.AUDIENCE, INVOCATION_ID));

        assertThat(body.get("code").textValue()).isEqualTo("CG401-AUDIENCE");
        assertThat(body.get("invocationId").textValue()).isEqualTo(INVOCATION_ID);
        assertThat(body.get("status").intValue()).isEqualTo(401);
        assertThat(body.get("title").textValue()).isEqualTo("Unauthorized");
        assertThat(body.get("detail").textValue()).isEqualTo(Refusal.AUDIENCE.description());
        assertThat(body.get("error").textValue()).isEqualTo("invalid_token");
        assertThat(body.get("type").textValue()).isEqualTo("about:blank");
    }

    @Test
    void bodyHoldsOnlyCatalogueFieldsAndTheInvocationId() throws Exception {
        JsonNode body = body(BearerChallenge.render(Refusal.CALLER_NOT_ALLOWED, INVOCATION_ID));

        assertThat(fieldNames(body))
                .containsExactlyInAnyOrder("type", "title", "status", "detail", "code", "error", "invocationId");
    }

    @Test
    void bodyOfNoCredentialsHasNoError() throws Exception {
        JsonNode body = body(BearerChallenge.render(Refusal.NO_CREDENTIALS, INVOCATION_ID));

        assertThat(body.has("error")).isFalse();
        assertThat(body.get("code").textValue()).isEqualTo("CG401-NO-CREDENTIALS");
    }

    @Test
    void bodyOfServiceUnavailableNamesItAndHasNoError() throws Exception {
        JsonNode body = body(BearerChallenge.render(Refusal.KEYS_UNAVAILABLE, INVOCATION_ID));

        assertThat(body.get("title").textValue()).isEqualTo("Service Unavailable");
        assertThat(body.has("error")).isFalse();
    }

    @Test
    void bodyKeepsAnInvocationIdWithQuotesIntactAsJson() throws Exception {
        String odd = "id\"with\\quotes</script>";

        assertThat(body(BearerChallenge.render(Refusal.TENANT, odd)).get("invocationId").textValue()).isEqualTo(odd);
    }
}
