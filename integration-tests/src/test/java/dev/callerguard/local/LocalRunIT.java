package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's local run, end to end over real HTTP: the staged app in the local host, tokens from the emulator's
 * managed identity endpoint through msal4j, Easy Auth off (as {@code scripts/run-local.sh} starts it).
 */
class LocalRunIT {
    private static LocalStack stack;
    private static String apimToken;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(false);
        apimToken = stack.token(LocalIdentities.APIM);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    /**
     * Second review, finding "the emulator and the local host accept any Host": a web page could reach the local
     * functions through DNS rebinding (its own name resolving to 127.0.0.1). The host answers only localhost.
     */
    @Test
    void theHostRefusesARequestForAnotherHostNameAndAnswersLocalhost() throws Exception {
        int port = URI.create(stack.host.baseUrl()).getPort();

        assertThat(raw(port, "rebound.attacker.example:" + port)).startsWith("HTTP/1.1 403");
        assertThat(raw(port, "127.0.0.1:" + port)).startsWith("HTTP/1.1 200");
    }

    /** GET /api/health with exactly that Host header, over a plain socket; the whole answer. */
    private static String raw(int port, String host) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /api/health HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void refusesAnonymousCallWith401AndBareChallenge() throws Exception {
        HttpResponse<String> response = stack.get("/api/hello", null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"callerguard\"");
        assertThat(LocalStack.json(response).get("code").asText()).isEqualTo("CG401-NO-CREDENTIALS");
    }

    @Test
    void refusesIntruderOfTheSameTenantWith403() throws Exception {
        HttpResponse<String> response = stack.get("/api/hello", stack.token(LocalIdentities.INTRUDER));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"insufficient_scope\"");
    }

    @Test
    void allowsApimManagedIdentity() throws Exception {
        HttpResponse<String> response = stack.get("/api/hello", apimToken);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello, " + LocalIdentities.APIM.objectId() + "!");
    }

    @Test
    void passesQueryAndBodyToTheFunction() throws Exception {
        assertThat(stack.get("/api/hello?name=Ada%20L", apimToken).body()).isEqualTo("Hello, Ada L!");
        assertThat(stack.call("POST", "/api/hello", apimToken, "{\"name\":\"Grace\"}").body())
                .isEqualTo("Hello, Grace!");
        assertThat(stack.call("POST", "/api/hello", apimToken, "{\"name\":").statusCode()).isEqualTo(400);
    }

    @Test
    void servesReportsToReporterOnly() throws Exception {
        HttpResponse<String> reporter = stack.get("/api/reports", stack.token(LocalIdentities.REPORTER));
        HttpResponse<String> apim = stack.get("/api/reports", apimToken);

        assertThat(reporter.statusCode()).isEqualTo(200);
        assertThat(LocalStack.json(reporter).get("reader").asText()).isEqualTo(LocalIdentities.REPORTER.objectId());
        assertThat(apim.statusCode()).isEqualTo(403);
    }

    @Test
    void ignoresSpoofedPrincipalHeaderWhenEasyAuthIsOff() throws Exception {
        String spoofed = EasyAuthEmulation.principal(java.util.Map.of(
                "oid", LocalIdentities.APIM.objectId(), "tid", LocalIdentities.TENANT_ID,
                "aud", LocalIdentities.API_APP_ID_URI));

        HttpResponse<String> response = stack.get("/api/whoami", null, "X-MS-CLIENT-PRINCIPAL", spoofed);

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void relaysToWhoamiWithTheAppsOwnManagedIdentity() throws Exception {
        HttpResponse<String> response = stack.get("/api/relay", apimToken);

        JsonNode body = LocalStack.json(response);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body.get("status").asInt()).isEqualTo(200);
        assertThat(body.get("body").get("objectId").asText()).isEqualTo(LocalIdentities.APP.objectId());
        assertThat(response.body()).doesNotContain("access_token");
    }

    @Test
    void refusesRelayForCallersNotAllowed() throws Exception {
        assertThat(stack.get("/api/relay", stack.token(LocalIdentities.INTRUDER)).statusCode()).isEqualTo(403);
    }

    @Test
    void selectsUserAssignedIdentityByClientId() throws Exception {
        JsonNode claims = LocalStack.segment(stack.token(LocalIdentities.REPORTER), 1);

        assertThat(claims.get("appid").asText()).isEqualTo(LocalIdentities.REPORTER.clientId());
        assertThat(claims.get("oid").asText()).isEqualTo(LocalIdentities.REPORTER.objectId());
        assertThat(claims.get("xms_mirid").asText()).isEqualTo(LocalIdentities.REPORTER.resourceId());
    }

    @Test
    void acceptsTokensOfARotatedKeyMidRun() throws Exception {
        assertThat(stack.get("/api/whoami", apimToken).statusCode()).isEqualTo(200);
        Instant warm = Instant.now();
        String newKid = stack.rotateKeys();
        String rotated = stack.token(LocalIdentities.APIM);
        assertThat(LocalStack.segment(rotated, 0).get("kid").asText()).isEqualTo(newKid);
        // An unknown kid triggers at most one key refetch per 10 s (KeySetCache.Timing.DEFAULT).
        Duration wait = Duration.ofSeconds(11).minus(Duration.between(warm, Instant.now()));
        if (!wait.isNegative()) {
            Thread.sleep(wait.toMillis());
        }

        assertThat(stack.get("/api/whoami", rotated).statusCode()).isEqualTo(200);
        assertThat(stack.get("/api/whoami", apimToken).statusCode()).isEqualTo(200);
    }

    @Test
    void answers404ForUnknownRouteAnd405ForWrongMethod() throws Exception {
        assertThat(stack.get("/api/nothing-here", apimToken).statusCode()).isEqualTo(404);
        HttpResponse<String> wrongMethod = stack.call("DELETE", "/api/hello", apimToken, null);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).contains("GET, POST");
    }

    @Test
    void healthIsOpenAndReportsValidSettings() throws Exception {
        HttpResponse<String> response = stack.get("/api/health", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(LocalStack.json(response).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void managedIdentityEndpointRefusesWrongIdentityHeader() throws Exception {
        LocalStack.CliResult result = stack.tokenCliResult("not-the-secret", "apim");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void issuesAnyTokenShapeForTests() throws Exception {
        String wrongAudience = stack.shapedToken("{\"claims\": {\"aud\": \"api://someone-else\"}}");
        String noExpiry = stack.shapedToken("{\"claims\": {\"exp\": null}}");

        assertThat(LocalStack.json(stack.get("/api/hello", wrongAudience)).get("code").asText())
                .isEqualTo("CG401-AUDIENCE");
        assertThat(LocalStack.json(stack.get("/api/hello", noExpiry)).get("code").asText())
                .isEqualTo("CG401-NO-EXPIRY");
    }
}
