package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local run with Easy Auth emulated in front ({@code scripts/run-local.sh --easy-auth}): the platform's 401,
 * principal headers stripped and injected, and CallerGuard's allowlist still deciding who gets in.
 */
class EasyAuthIT {
    private static LocalStack stack;
    private static String apimToken;
    private static String intruderToken;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(true);
        apimToken = stack.token(LocalIdentities.APIM);
        intruderToken = stack.token(LocalIdentities.INTRUDER);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static String principalOf(LocalIdentity identity) {
        return EasyAuthEmulation.principal(Map.of("oid", identity.objectId(), "tid", LocalIdentities.TENANT_ID,
                "aud", LocalIdentities.API_APP_ID_URI, "appid", identity.clientId()));
    }

    @Test
    void platformAnswers401ToAnonymousCalls() throws Exception {
        HttpResponse<String> response = stack.get("/api/hello", null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
    }

    @Test
    void platformAnswers401ToTokensItCannotValidate() throws Exception {
        String wrongAudience = stack.shapedToken("{\"claims\": {\"aud\": \"api://someone-else\"}}");

        assertThat(stack.get("/api/hello", wrongAudience).statusCode()).isEqualTo(401);
    }

    @Test
    void healthIsExcludedFromAuthentication() throws Exception {
        assertThat(stack.get("/api/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void allowsApimThroughBothLayers() throws Exception {
        HttpResponse<String> response = stack.get("/api/whoami", apimToken);

        JsonNode body = LocalStack.json(response);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body.get("objectId").asText()).isEqualTo(LocalIdentities.APIM.objectId());
        assertThat(body.get("source").asText()).isEqualTo("bearer");
    }

    @Test
    void easyAuthLetsAnyTenantIdentityInButCallerGuardRefusesIt() throws Exception {
        HttpResponse<String> response = stack.get("/api/hello", intruderToken);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(LocalStack.json(response).get("code").asText()).isEqualTo("CG403-CALLER");
    }

    @Test
    void stripsSpoofedPrincipalAndInjectsTheRealOne() throws Exception {
        HttpResponse<String> response = stack.get("/api/hello", intruderToken,
                "X-MS-CLIENT-PRINCIPAL", principalOf(LocalIdentities.APIM),
                "X-MS-CLIENT-PRINCIPAL-ID", LocalIdentities.APIM.objectId());

        // Had the spoofed principal reached the app, the check would see two callers (401 CG401-CALLER-MISMATCH).
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(LocalStack.json(response).get("code").asText()).isEqualTo("CG403-CALLER");
    }

    @Test
    void refusesSpoofedPrincipalWithoutToken() throws Exception {
        HttpResponse<String> response = stack.get("/api/hello", null,
                "X-MS-CLIENT-PRINCIPAL", principalOf(LocalIdentities.APIM));

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void reporterStillNeedsTheRoleForReports() throws Exception {
        assertThat(stack.get("/api/reports", stack.token(LocalIdentities.REPORTER)).statusCode()).isEqualTo(200);
        assertThat(stack.get("/api/reports", apimToken).statusCode()).isEqualTo(403);
    }
}
