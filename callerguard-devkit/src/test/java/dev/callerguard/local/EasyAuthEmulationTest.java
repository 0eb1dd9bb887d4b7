package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callerguard.CallerSource;
import dev.callerguard.VerifiedCaller;
import dev.callerguard.internal.credentials.RequestHeaders;
import dev.callerguard.internal.decision.CallerCheck;
import dev.callerguard.internal.decision.Decision;
import dev.callerguard.internal.keys.JwksKeySetSource;
import dev.callerguard.internal.keys.KeySetCache;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.testing.MutableClock;
import dev.callerguard.testing.TestPrincipals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EasyAuthEmulation} in front of the local host: tokens from a real {@link IdentityEmulator} (keys fetched
 * over HTTP), client-sent principal headers stripped, and the injected principal read back by CallerGuard's own
 * {@link CallerCheck}. The clock is pinned and shared with the emulator.
 */
class EasyAuthEmulationTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String OID_URI = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    private static final String TID_URI = "http://schemas.microsoft.com/identity/claims/tenantid";

    private final MutableClock clock = MutableClock.at("2026-11-27T12:00:00Z");
    private IdentityEmulator emulator;

    @BeforeEach
    void startEmulator() throws IOException {
        emulator = IdentityEmulator.start(0, "identity-header-secret", clock);
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }

    /** The app's settings as the local run gives them: the emulator's authority, APIM allowed. */
    private Map<String, String> appSettings() {
        Map<String, String> settings = new HashMap<>();
        settings.put(GuardSettings.TENANT_ID, LocalIdentities.TENANT_ID);
        settings.put(GuardSettings.AUDIENCES, LocalIdentities.API_APP_ID_URI + "," + LocalIdentities.API_CLIENT_ID);
        settings.put(GuardSettings.ALLOWED_CALLERS, LocalIdentities.APIM.objectId());
        settings.put(GuardSettings.AUTHORITY, emulator.authority());
        return settings;
    }

    private EasyAuthEmulation easyAuth() {
        return EasyAuthEmulation.from(appSettings()::get, clock);
    }

    /** A request of the allowed caller with a valid token for the API, as the host receives it. */
    private Map<String, String> request() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("authorization", "Bearer " + emulator.issue(LocalIdentities.APIM, LocalIdentities.API_APP_ID_URI));
        headers.put("accept", "application/json");
        return headers;
    }

    private Map<String, String> authenticated(Map<String, String> headers) {
        Optional<Map<String, String>> forwarded = easyAuth().authenticate(headers);
        assertThat(forwarded).as("Easy Auth let the request through").isPresent();
        return forwarded.get();
    }

    private static JsonNode decodedPrincipal(Map<String, String> forwarded) throws IOException {
        return MAPPER.readTree(Base64.getDecoder().decode(forwarded.get(EasyAuthEmulation.PRINCIPAL)));
    }

    private static List<String> values(JsonNode principal, String type) {
        List<String> values = new ArrayList<>();
        principal.get("claims").forEach(claim -> {
            if (claim.get("typ").textValue().equals(type)) {
                values.add(claim.get("val").textValue());
            }
        });
        return values;
    }

    /** CallerGuard as the app runs it behind Easy Auth: WEBSITE_AUTH_ENABLED=true, APIM allowed. */
    private CallerCheck appBehindEasyAuth() {
        Map<String, String> settings = appSettings();
        settings.put(GuardSettings.WEBSITE_AUTH_ENABLED, "true");
        GuardSettings loaded = GuardSettings.load(settings);
        return new CallerCheck(loaded,
                new KeySetCache(new JwksKeySetSource(loaded.keysUrl()), clock, KeySetCache.Timing.DEFAULT), clock);
    }

    // --- client-sent principal headers ----------------------------------------------------------------------------

    @Test
    void withoutPrincipalHeadersStripsEveryClientPrincipalHeaderInAnyCase() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-MS-CLIENT-PRINCIPAL", TestPrincipals.allowedCaller().encode());
        headers.put("x-ms-client-principal-id", LocalIdentities.APIM.objectId());
        headers.put("X-Ms-Client-Principal-Name", "apim");
        headers.put("x-MS-client-PRINCIPAL-idp", "aad");
        headers.put("accept", "application/json");

        assertThat(EasyAuthEmulation.withoutPrincipalHeaders(headers))
                .containsExactly(Map.entry("accept", "application/json"));
    }

    /** Finding "header names matched with Unicode case folding": lookalikes are not principal headers. */
    @Test
    void withoutPrincipalHeadersMatchesNamesByAsciiCaseOnly() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Ms-Client-Principal", TestPrincipals.allowedCaller().encode());
        headers.put("X-MS-CLIENT-PRINCIPAL-\u212A", "stripped: the prefix is ASCII");
        headers.put("x-m\u017F-client-principal", "long s");
        headers.put("X-MS-CL\u0130ENT-PRINCIPAL", "dotted capital I");
        headers.put("x-ms-cl\u0131ent-principal-id", "dotless i");

        assertThat(EasyAuthEmulation.withoutPrincipalHeaders(headers).keySet()).containsExactly(
                "x-m\u017F-client-principal", "X-MS-CL\u0130ENT-PRINCIPAL", "x-ms-cl\u0131ent-principal-id");
    }

    @Test
    void withoutPrincipalHeadersKeepsHeadersThatOnlyMentionThePrincipal() {
        Map<String, String> headers = Map.of("x-forwarded-x-ms-client-principal", "kept", "x-ms-client", "kept");

        assertThat(EasyAuthEmulation.withoutPrincipalHeaders(headers)).isEqualTo(headers);
    }

    @Test
    void forwardsNoClientSentPrincipalHeaderNextToItsOwn() {
        Map<String, String> headers = request();
        headers.put("X-MS-CLIENT-PRINCIPAL", TestPrincipals.allowedCaller().encode());
        headers.put("X-MS-CLIENT-PRINCIPAL-ID", LocalIdentities.INTRUDER.objectId());
        headers.put("X-MS-CLIENT-PRINCIPAL-NAME", "forged");

        Map<String, String> forwarded = authenticated(headers);

        assertThat(forwarded).doesNotContainKeys("X-MS-CLIENT-PRINCIPAL", "X-MS-CLIENT-PRINCIPAL-ID",
                "X-MS-CLIENT-PRINCIPAL-NAME");
        assertThat(forwarded).containsEntry("x-ms-client-principal-id", LocalIdentities.APIM.objectId());
    }

    @Test
    void refusesAClientSentPrincipalWithoutABearerToken() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-ms-client-principal", TestPrincipals.allowedCaller().encode());

        assertThat(easyAuth().authenticate(headers)).isEmpty();
    }

    // --- which requests pass ---------------------------------------------------------------------------------

    @Test
    void refusesARequestWithoutAuthorization() {
        Map<String, String> headers = request();
        headers.remove("authorization");

        assertThat(easyAuth().authenticate(headers)).isEmpty();
    }

    @Test
    void refusesATokenWithATamperedSignature() {
        Map<String, String> headers = request();
        String token = headers.get("authorization");
        headers.put("authorization", token.substring(0, token.length() - 4) + "AAAA");

        assertThat(easyAuth().authenticate(headers)).isEmpty();
    }

    @Test
    void refusesATokenForAnotherAudience() {
        Map<String, String> headers = request();
        headers.put("authorization", "Bearer " + emulator.issue(LocalIdentities.APIM, "https://vault.azure.net"));

        assertThat(easyAuth().authenticate(headers)).isEmpty();
    }

    @Test
    void refusesAnExpiredToken() {
        Map<String, String> headers = request();
        clock.advance(EntraTokens.LIFETIME.plus(Duration.ofHours(1)));

        assertThat(easyAuth().authenticate(headers)).isEmpty();
    }

    @Test
    void refusesAnAuthorizationThatIsNotBearer() {
        Map<String, String> headers = request();
        headers.put("authorization", "Basic YXBpbTpzZWNyZXQ=");

        assertThat(easyAuth().authenticate(headers)).isEmpty();
    }

    @Test
    void letsAValidTokenOfACallerTheAppDoesNotAllowThroughForTheAppToRefuse() {
        Map<String, String> headers = request();
        headers.put("authorization", "Bearer "
                + emulator.issue(LocalIdentities.INTRUDER, LocalIdentities.API_APP_ID_URI));

        Map<String, String> forwarded = authenticated(headers);

        assertThat(forwarded).containsEntry("x-ms-client-principal-id", LocalIdentities.INTRUDER.objectId());
    }

    // --- what is forwarded -----------------------------------------------------------------------------------

    @Test
    void forwardsTheRequestsOwnHeadersIncludingAuthorization() {
        Map<String, String> headers = request();

        Map<String, String> forwarded = authenticated(headers);

        assertThat(forwarded).containsEntry("accept", "application/json")
                .containsEntry("authorization", headers.get("authorization"));
    }

    @Test
    void injectsThePrincipalWithLongClaimNamesForOidAndTid() throws IOException {
        JsonNode principal = decodedPrincipal(authenticated(request()));

        assertThat(principal.get("auth_typ").textValue()).isEqualTo("aad");
        assertThat(values(principal, OID_URI)).containsExactly(LocalIdentities.APIM.objectId());
        assertThat(values(principal, TID_URI)).containsExactly(LocalIdentities.TENANT_ID);
        assertThat(values(principal, "oid")).isEmpty();
        assertThat(values(principal, "tid")).isEmpty();
    }

    @Test
    void injectsThePrincipalWithShortNamesForAudIssAndAppid() throws IOException {
        JsonNode principal = decodedPrincipal(authenticated(request()));

        assertThat(values(principal, "aud")).containsExactly(LocalIdentities.API_APP_ID_URI);
        assertThat(values(principal, "iss"))
                .containsExactly("https://sts.windows.net/" + LocalIdentities.TENANT_ID + "/");
        assertThat(values(principal, "appid")).containsExactly(LocalIdentities.APIM.clientId());
    }

    @Test
    void injectsOneRoleClaimPerAppRole() throws IOException {
        Map<String, String> headers = request();
        headers.put("authorization", "Bearer "
                + emulator.issue(LocalIdentities.REPORTER, LocalIdentities.API_APP_ID_URI));

        JsonNode principal = decodedPrincipal(authenticated(headers));

        assertThat(values(principal, "roles")).containsExactlyInAnyOrder("Function.Invoke", "Reports.Read");
    }

    @Test
    void injectsIdNameAndIdentityProviderHeaders() {
        Map<String, String> forwarded = authenticated(request());

        assertThat(forwarded).containsEntry("x-ms-client-principal-id", LocalIdentities.APIM.objectId())
                .containsEntry("x-ms-client-principal-name", LocalIdentities.APIM.clientId())
                .containsEntry("x-ms-client-principal-idp", "aad");
    }

    @Test
    void injectedPrincipalAloneSatisfiesCallerGuardBehindEasyAuth() {
        Map<String, String> forwarded = authenticated(request());
        forwarded.remove("authorization");

        Decision decision = appBehindEasyAuth().decide(RequestHeaders.of(forwarded));

        assertThat(decision).isInstanceOf(Decision.Allowed.class);
        VerifiedCaller caller = ((Decision.Allowed) decision).caller();
        assertThat(caller.source()).isEqualTo(CallerSource.EASY_AUTH);
        assertThat(caller.objectId()).isEqualTo(LocalIdentities.APIM.objectId());
        assertThat(caller.tenantId()).isEqualTo(LocalIdentities.TENANT_ID);
        assertThat(caller.appId()).contains(LocalIdentities.APIM.clientId());
        assertThat(caller.roles()).containsExactly("Function.Invoke");
    }

    @Test
    void injectedPrincipalMatchesTheForwardedBearerForCallerGuard() {
        Map<String, String> forwarded = authenticated(request());

        Decision decision = appBehindEasyAuth().decide(RequestHeaders.of(forwarded));

        assertThat(decision).isInstanceOf(Decision.Allowed.class);
        assertThat(((Decision.Allowed) decision).caller().objectId()).isEqualTo(LocalIdentities.APIM.objectId());
    }

    @Test
    void principalEncodesEveryClaimAsTextWithStandardBase64() throws IOException {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("oid", LocalIdentities.APIM.objectId());
        claims.put("exp", 1795780800L);
        claims.put("roles", List.of("A", "B"));

        String encoded = EasyAuthEmulation.principal(claims);

        JsonNode principal = MAPPER.readTree(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
        assertThat(values(principal, OID_URI)).containsExactly(LocalIdentities.APIM.objectId());
        assertThat(values(principal, "exp")).containsExactly("1795780800");
        assertThat(values(principal, "roles")).containsExactly("A", "B");
        assertThat(principal.get("role_typ").textValue())
                .isEqualTo("http://schemas.microsoft.com/ws/2008/06/identity/claims/role");
    }
}
