package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callerguard.CallerSource;
import dev.callerguard.VerifiedCaller;
import dev.callerguard.internal.credentials.RequestHeaders;
import dev.callerguard.internal.decision.CallerCheck;
import dev.callerguard.internal.decision.Decision;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.keys.JwksKeySetSource;
import dev.callerguard.internal.keys.KeySetCache;
import dev.callerguard.internal.keys.KeySetFetchException;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.testing.MutableClock;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link IdentityEmulator} driven over real HTTP with {@link HttpClient}, as CallerGuard, msal4j and the scripts
 * talk to it: OIDC metadata, the key set, the App Service managed identity endpoint, {@code /dev/token} and
 * {@code /dev/rotate}. The emulator's clock is pinned, so every token's times are known.
 */
class IdentityEmulatorTest {
    private static final String SECRET = "identity-header-secret";
    private static final String TENANT = LocalIdentities.TENANT_ID;
    private static final String API = LocalIdentities.API_APP_ID_URI;
    private static final String VAULT = "https://vault.azure.net";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final MutableClock clock = MutableClock.at("2026-11-27T12:00:00Z");
    private IdentityEmulator emulator;

    @BeforeEach
    void startEmulator() throws IOException {
        emulator = IdentityEmulator.start(0, SECRET, clock);
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }

    // --- who may ask: this machine only (second review, "the emulator and the local host accept any Host") ---

    /** One HTTP/1.1 request with exactly these header lines, over a plain socket; the status line and body. */
    private String raw(String method, String path, String... headerLines) throws IOException {
        int port = URI.create(emulator.authority()).getPort();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            request.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rebound.attacker.example", "rebound.attacker.example:7072", "localhost.attacker.example",
        "127.0.0.1.nip.io"})
    void refusesARequestForAnotherHostNameAsADnsRebindingPageSendsIt(String host) throws IOException {
        String answer = raw("GET", "/" + TENANT + "/discovery/v2.0/keys", "Host: " + host);

        assertThat(answer).startsWith("HTTP/1.1 403").contains("host_not_allowed").doesNotContain("\"kid\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST:7072", "127.0.0.1:7072", "[::1]:7072"})
    void answersRequestsForThisMachine(String host) throws IOException {
        assertThat(raw("GET", "/" + TENANT + "/discovery/v2.0/keys", "Host: " + host))
                .startsWith("HTTP/1.1 200").contains("\"kid\"");
    }

    @Test
    void refusesDevEndpointsToAWebPage() throws IOException {
        String token = raw("POST", "/dev/token", "Host: localhost", "Origin: https://evil.example");
        String rotate = raw("POST", "/dev/rotate", "Host: localhost", "Origin: null");

        assertThat(token).startsWith("HTTP/1.1 403").contains("origin_not_allowed").doesNotContain("access_token");
        assertThat(rotate).startsWith("HTTP/1.1 403").contains("origin_not_allowed");
        assertThat(raw("POST", "/dev/token", "Host: localhost")).startsWith("HTTP/1.1 200").contains("access_token");
    }

    // --- fixtures: a valid managed identity request, changed one thing per test -----------------------------

    /** The query of a valid request for the CallerGuard API, no identity selected. */
    private static Map<String, String> validQuery() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("resource", API);
        query.put("api-version", "2019-08-01");
        return query;
    }

    private HttpResponse<String> managedIdentity(Map<String, String> query, String identityHeader) {
        String raw = query.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.identityEndpoint() + "?" + raw));
        if (identityHeader != null) {
            request.header(IdentityEmulator.IDENTITY_HEADER, identityHeader);
        }
        return send(request.GET().build());
    }

    private HttpResponse<String> managedIdentity(Map<String, String> query) {
        return managedIdentity(query, SECRET);
    }

    /** The answer of a request that must succeed. */
    private JsonNode managedIdentityAnswer(Map<String, String> query) {
        HttpResponse<String> response = managedIdentity(query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    private String managedIdentityToken(Map<String, String> query) {
        return managedIdentityAnswer(query).get("access_token").textValue();
    }

    private String managedIdentityToken() {
        return managedIdentityToken(validQuery());
    }

    private Map<String, String> validQueryWith(String parameter, String value) {
        Map<String, String> query = validQuery();
        query.put(parameter, value);
        return query;
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(emulator.authority() + path)).GET().build());
    }

    private HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(emulator.authority() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private String devToken(String body) {
        HttpResponse<String> response = post("/dev/token", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body()).get("access_token").textValue();
    }

    private String rotate() {
        HttpResponse<String> response = post("/dev/rotate", "");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body()).get("kid").textValue();
    }

    private JsonNode keysDocument() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(emulator.keysUrl())).GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response.body());
    }

    private List<String> publishedKids() {
        List<String> kids = new ArrayList<>();
        keysDocument().get("keys").forEach(key -> kids.add(key.get("kid").textValue()));
        return kids;
    }

    /** The published keys as CallerGuard reads them. */
    private Map<String, RSAPublicKey> publishedKeys() throws KeySetFetchException {
        return new JwksKeySetSource(URI.create(emulator.keysUrl())).fetch();
    }

    private CallerCheck callerCheck() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(GuardSettings.TENANT_ID, TENANT);
        settings.put(GuardSettings.AUDIENCES, API + "," + LocalIdentities.API_CLIENT_ID);
        settings.put(GuardSettings.ALLOWED_CALLERS, "*");
        settings.put(GuardSettings.AUTHORITY, emulator.authority());
        GuardSettings loaded = GuardSettings.load(settings);
        return new CallerCheck(loaded,
                new KeySetCache(new JwksKeySetSource(loaded.keysUrl()), clock, KeySetCache.Timing.DEFAULT), clock);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + text, e);
        }
    }

    private static JsonNode header(String token) {
        return part(token, 0);
    }

    private static JsonNode claims(String token) {
        return part(token, 1);
    }

    private static JsonNode part(String token, int index) {
        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        return json(new String(Base64.getUrlDecoder().decode(parts[index]), StandardCharsets.UTF_8));
    }

    /** RS256 checked with the JDK alone: SHA256withRSA over {@code header.payload}. */
    private static boolean signatureVerifies(String token, RSAPublicKey key) throws GeneralSecurityException {
        int lastDot = token.lastIndexOf('.');
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(key);
        rs256.update(token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
        return rs256.verify(Base64.getUrlDecoder().decode(token.substring(lastDot + 1)));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.textValue()));
        return values;
    }

    // --- OIDC metadata -----------------------------------------------------------------------------------------

    @Test
    void openIdConfigurationNamesTheV2IssuerOfTheLocalTenant() {
        HttpResponse<String> response = get("/" + TENANT + "/v2.0/.well-known/openid-configuration");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).get("issuer").textValue())
                .isEqualTo(emulator.authority() + "/" + TENANT + "/v2.0");
    }

    @Test
    void openIdConfigurationPointsJwksUriAtTheKeysDocument() {
        JsonNode config = json(get("/" + TENANT + "/v2.0/.well-known/openid-configuration").body());

        assertThat(config.get("jwks_uri").textValue())
                .isEqualTo(emulator.authority() + "/" + TENANT + "/discovery/v2.0/keys")
                .isEqualTo(emulator.keysUrl());
        assertThat(strings(config.get("id_token_signing_alg_values_supported"))).containsExactly("RS256");
    }

    @Test
    void authorityIsLocalhostOnTheFreePortItWasGiven() {
        URI authority = URI.create(emulator.authority());

        assertThat(authority.getScheme()).isEqualTo("http");
        assertThat(authority.getHost()).isEqualTo("localhost");
        assertThat(authority.getPort()).isPositive();
        assertThat(URI.create(emulator.identityEndpoint()).getPort()).isEqualTo(authority.getPort());
    }

    // --- the key set -------------------------------------------------------------------------------------------

    @Test
    void keysDocumentPublishesOneRsaSigningKeyAtStart() {
        JsonNode keys = keysDocument().get("keys");

        assertThat(keys).hasSize(1);
        JsonNode key = keys.get(0);
        assertThat(key.get("kty").textValue()).isEqualTo("RSA");
        assertThat(key.get("use").textValue()).isEqualTo("sig");
        assertThat(key.get("kid").textValue()).isNotBlank();
        assertThat(key.get("n").textValue()).isNotBlank();
        assertThat(key.get("e").textValue()).isNotBlank();
    }

    @Test
    void publishedKeyHasA2048BitModulusAndExponent65537() {
        JsonNode key = keysDocument().get("keys").get(0);

        BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(key.get("n").textValue()));
        BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode(key.get("e").textValue()));
        assertThat(n.bitLength()).isEqualTo(2048);
        assertThat(e).isEqualTo(BigInteger.valueOf(65537));
    }

    @Test
    void callerGuardsKeySetSourceReadsThePublishedKey() throws KeySetFetchException {
        String kid = publishedKids().get(0);

        Map<String, RSAPublicKey> keys = publishedKeys();

        assertThat(keys).containsOnlyKeys(kid);
        assertThat(keys.get(kid).getModulus().bitLength()).isEqualTo(2048);
    }

    // --- managed identity endpoint: the request --------------------------------------------------------------

    @Test
    void managedIdentityRefusesRequestWithoutIdentityHeader() {
        HttpResponse<String> response = managedIdentity(validQuery(), null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response.body()).has("access_token")).isFalse();
    }

    @Test
    void managedIdentityRefusesWrongIdentityHeader() {
        HttpResponse<String> response = managedIdentity(validQuery(), SECRET + "-wrong");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response.body()).has("access_token")).isFalse();
    }

    @Test
    void managedIdentityRejectsRequestWithoutResource() {
        Map<String, String> query = validQuery();
        query.remove("resource");

        HttpResponse<String> response = managedIdentity(query);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).get("error").textValue()).isEqualTo("invalid_request");
    }

    @Test
    void managedIdentityRejectsBlankResource() {
        HttpResponse<String> response = managedIdentity(validQueryWith("resource", " "));

        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void managedIdentityIssuesTheSystemAssignedAppIdentityWhenNoneIsSelected() {
        JsonNode answer = managedIdentityAnswer(validQuery());

        assertThat(answer.get("client_id").textValue()).isEqualTo(LocalIdentities.APP.clientId());
        JsonNode claims = claims(answer.get("access_token").textValue());
        assertThat(claims.get("oid").textValue()).isEqualTo(LocalIdentities.APP.objectId());
        assertThat(claims.get("appid").textValue()).isEqualTo(LocalIdentities.APP.clientId());
    }

    @Test
    void managedIdentitySelectsUserAssignedIdentityByClientId() {
        String token = managedIdentityToken(validQueryWith("client_id", LocalIdentities.REPORTER.clientId()));

        assertThat(claims(token).get("oid").textValue()).isEqualTo(LocalIdentities.REPORTER.objectId());
    }

    @Test
    void managedIdentitySelectsUserAssignedIdentityByPrincipalId() {
        String token = managedIdentityToken(validQueryWith("principal_id", LocalIdentities.REPORTER.objectId()));

        assertThat(claims(token).get("oid").textValue()).isEqualTo(LocalIdentities.REPORTER.objectId());
    }

    @Test
    void managedIdentitySelectsUserAssignedIdentityByObjectId() {
        String token = managedIdentityToken(validQueryWith("object_id", LocalIdentities.INTRUDER.objectId()));

        assertThat(claims(token).get("oid").textValue()).isEqualTo(LocalIdentities.INTRUDER.objectId());
    }

    @Test
    void managedIdentitySelectsUserAssignedIdentityByResourceId() {
        String token = managedIdentityToken(validQueryWith("mi_res_id", LocalIdentities.APIM.resourceId()));

        assertThat(claims(token).get("oid").textValue()).isEqualTo(LocalIdentities.APIM.objectId());
    }

    @Test
    void managedIdentityRejectsAnIdNotAssignedToTheApp() {
        HttpResponse<String> response = managedIdentity(
                validQueryWith("client_id", "00000000-0000-4000-8000-00000000dead"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).get("error").textValue()).isEqualTo("invalid_request");
    }

    // --- managed identity endpoint: the answer and the token -------------------------------------------------

    @Test
    void managedIdentityAnswersWithTheFieldsAppServiceReturns() {
        JsonNode answer = managedIdentityAnswer(validQueryWith("client_id", LocalIdentities.APIM.clientId()));

        List<String> fields = new ArrayList<>();
        answer.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("access_token", "expires_on", "resource", "token_type",
                "client_id");
        assertThat(answer.get("resource").textValue()).isEqualTo(API);
        assertThat(answer.get("token_type").textValue()).isEqualTo("Bearer");
        assertThat(answer.get("client_id").textValue()).isEqualTo(LocalIdentities.APIM.clientId());
    }

    @Test
    void managedIdentityAnswersExpiresOnAsAStringEqualToTheTokensExp() {
        JsonNode answer = managedIdentityAnswer(validQuery());

        assertThat(answer.get("expires_on").isTextual()).isTrue();
        long exp = claims(answer.get("access_token").textValue()).get("exp").longValue();
        assertThat(answer.get("expires_on").textValue()).isEqualTo(String.valueOf(exp));
    }

    @Test
    void tokenHeaderIsRs256WithTheKidAndX5tOfThePublishedKey() {
        String kid = publishedKids().get(0);

        JsonNode header = header(managedIdentityToken());

        assertThat(header.get("alg").textValue()).isEqualTo("RS256");
        assertThat(header.get("typ").textValue()).isEqualTo("JWT");
        assertThat(header.get("kid").textValue()).isEqualTo(kid);
        assertThat(header.get("x5t").textValue()).isNotBlank();
    }

    @Test
    void tokenCarriesTheV1ClaimsOfTheSelectedIdentity() {
        LocalIdentity apim = LocalIdentities.APIM;

        JsonNode claims = claims(managedIdentityToken(validQueryWith("client_id", apim.clientId())));

        assertThat(claims.get("iss").textValue()).isEqualTo("https://sts.windows.net/" + TENANT + "/");
        assertThat(claims.get("ver").textValue()).isEqualTo("1.0");
        assertThat(claims.get("aud").textValue()).isEqualTo(API);
        assertThat(claims.get("appid").textValue()).isEqualTo(apim.clientId());
        assertThat(claims.get("oid").textValue()).isEqualTo(apim.objectId());
        assertThat(claims.get("sub").textValue()).isEqualTo(apim.objectId());
        assertThat(claims.get("idtyp").textValue()).isEqualTo("app");
        assertThat(claims.get("tid").textValue()).isEqualTo(TENANT);
        assertThat(claims.get("xms_mirid").textValue()).isEqualTo(apim.resourceId());
    }

    @Test
    void tokenAudienceIsTheRequestedResource() {
        JsonNode claims = claims(managedIdentityToken(validQueryWith("resource", VAULT)));

        assertThat(claims.get("aud").textValue()).isEqualTo(VAULT);
    }

    @Test
    void tokenIsIssuedNowByTheEmulatorsClockAndLivesTwentyFourHours() {
        JsonNode claims = claims(managedIdentityToken());

        long now = clock.instant().getEpochSecond();
        assertThat(claims.get("iat").longValue()).isEqualTo(now);
        assertThat(claims.get("nbf").longValue()).isEqualTo(now);
        assertThat(claims.get("exp").longValue() - claims.get("iat").longValue()).isEqualTo(24 * 3600);
    }

    @Test
    void tokenForTheApiCarriesTheIdentitysAppRoles() {
        JsonNode claims = claims(managedIdentityToken(validQueryWith("client_id", LocalIdentities.REPORTER.clientId())));

        assertThat(strings(claims.get("roles"))).containsExactly("Function.Invoke", "Reports.Read");
    }

    @Test
    void tokenForTheApiByClientIdCarriesTheIdentitysAppRoles() {
        Map<String, String> query = validQueryWith("client_id", LocalIdentities.REPORTER.clientId());
        query.put("resource", LocalIdentities.API_CLIENT_ID);

        JsonNode claims = claims(managedIdentityToken(query));

        assertThat(strings(claims.get("roles"))).containsExactly("Function.Invoke", "Reports.Read");
    }

    @Test
    void tokenForAnotherResourceCarriesNoRoles() {
        Map<String, String> query = validQueryWith("client_id", LocalIdentities.REPORTER.clientId());
        query.put("resource", VAULT);

        JsonNode claims = claims(managedIdentityToken(query));

        assertThat(claims.has("roles")).isFalse();
    }

    @Test
    void tokenOfAnIdentityWithoutAppRolesCarriesNoRoles() {
        JsonNode claims = claims(managedIdentityToken(validQueryWith("client_id", LocalIdentities.INTRUDER.clientId())));

        assertThat(claims.has("roles")).isFalse();
    }

    @Test
    void tokenSignatureVerifiesWithThePublishedKey() throws Exception {
        String token = managedIdentityToken();
        RSAPublicKey key = publishedKeys().get(header(token).get("kid").textValue());

        assertThat(signatureVerifies(token, key)).isTrue();
    }

    @Test
    void tamperedTokenDoesNotVerifyWithThePublishedKey() throws Exception {
        String token = managedIdentityToken();
        RSAPublicKey key = publishedKeys().get(header(token).get("kid").textValue());
        String[] parts = token.split("\\.");
        String otherClaims = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims(token).toString().replace(LocalIdentities.APP.objectId(), LocalIdentities.APIM.objectId())
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(signatureVerifies(parts[0] + "." + otherClaims + "." + parts[2], key)).isFalse();
    }

    @Test
    void callerGuardAllowsAManagedIdentityTokenForTheApi() {
        String token = managedIdentityToken(validQueryWith("client_id", LocalIdentities.APIM.clientId()));

        Decision decision = callerCheck().decide(RequestHeaders.of(Map.of("authorization", "Bearer " + token)));

        assertThat(decision).isInstanceOf(Decision.Allowed.class);
        VerifiedCaller caller = ((Decision.Allowed) decision).caller();
        assertThat(caller.objectId()).isEqualTo(LocalIdentities.APIM.objectId());
        assertThat(caller.appId()).contains(LocalIdentities.APIM.clientId());
        assertThat(caller.roles()).containsExactly("Function.Invoke");
        assertThat(caller.source()).isEqualTo(CallerSource.BEARER);
    }

    @Test
    void issueMintsTheTokenTheEndpointWouldIssue() throws Exception {
        String token = emulator.issue(LocalIdentities.REPORTER, API);

        JsonNode claims = claims(token);
        assertThat(claims.get("oid").textValue()).isEqualTo(LocalIdentities.REPORTER.objectId());
        assertThat(claims.get("aud").textValue()).isEqualTo(API);
        assertThat(strings(claims.get("roles"))).containsExactly("Function.Invoke", "Reports.Read");
        assertThat(signatureVerifies(token, publishedKeys().get(header(token).get("kid").textValue()))).isTrue();
    }

    // --- delegated tokens of a local user (issue 20, scopes) -------------------------------------------------------

    @Test
    void devTokenOfAUserIsADelegatedTokenGrantingTheScopesAskedFor() throws Exception {
        String token = devToken("{\"user\": \"ada\", \"scopes\": \"Orders.Read Orders.Write\"}");

        JsonNode claims = claims(token);
        assertThat(claims.get("oid").textValue()).isEqualTo(LocalIdentities.ADA.objectId());
        assertThat(claims.get("sub").textValue()).isNotEqualTo(LocalIdentities.ADA.objectId());
        assertThat(claims.get("scp").textValue()).isEqualTo("Orders.Read Orders.Write");
        assertThat(claims.get("idtyp").textValue()).isEqualTo("user");
        assertThat(claims.get("appid").textValue()).isEqualTo(LocalIdentities.CLIENT_APP_ID);
        assertThat(claims.get("aud").textValue()).isEqualTo(API);
        assertThat(claims.has("roles")).isFalse();
        assertThat(signatureVerifies(token, publishedKeys().get(header(token).get("kid").textValue()))).isTrue();
    }

    @Test
    void devTokenOfAUserGrantsUserImpersonationUnlessAskedOtherwise() {
        assertThat(claims(devToken("{\"user\": \"ada\"}")).get("scp").textValue()).isEqualTo("user_impersonation");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"user\": \"nobody\"}", "{\"user\": 7}", "{\"user\": \"ada\", \"scopes\": [\"a\"]}"})
    void devTokenRefusesAnUnknownUserOrScopesThatAreNoString(String request) {
        HttpResponse<String> response = post("/dev/token", request);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("invalid_request", "ada");
    }

    @Test
    void callerGuardJudgesAUsersTokenByItsScopes() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(GuardSettings.TENANT_ID, TENANT);
        settings.put(GuardSettings.AUDIENCES, API);
        settings.put(GuardSettings.ALLOWED_CALLERS, LocalIdentities.ADA.objectId());
        settings.put(GuardSettings.AUTHORITY, emulator.authority());
        settings.put(GuardSettings.CALLER_TYPES, "app,user");
        settings.put(GuardSettings.REQUIRED_SCOPES, "Orders.Read");
        GuardSettings loaded = GuardSettings.load(settings);
        CallerCheck check = new CallerCheck(loaded,
                new KeySetCache(new JwksKeySetSource(loaded.keysUrl()), clock, KeySetCache.Timing.DEFAULT), clock);

        Decision without = check.decide(RequestHeaders.of(Map.of("authorization", "Bearer "
                + emulator.issueDelegated(LocalIdentities.ADA, API, "user_impersonation", Map.of()))));
        Decision with = check.decide(RequestHeaders.of(Map.of("authorization", "Bearer "
                + emulator.issueDelegated(LocalIdentities.ADA, API, "Orders.Read", Map.of()))));

        assertThat(without).isInstanceOfSatisfying(Decision.Refused.class,
                refused -> assertThat(refused.refusal()).isEqualTo(Refusal.SCOPE_MISSING));
        assertThat(with).isInstanceOfSatisfying(Decision.Allowed.class,
                allowed -> assertThat(allowed.caller().objectId()).isEqualTo(LocalIdentities.ADA.objectId()));
    }

    // --- /dev/token ----------------------------------------------------------------------------------------------

    @Test
    void devTokenWithoutChangesIsTheApimTokenForTheApi() throws Exception {
        String token = devToken("");

        JsonNode claims = claims(token);
        assertThat(claims.get("oid").textValue()).isEqualTo(LocalIdentities.APIM.objectId());
        assertThat(claims.get("aud").textValue()).isEqualTo(API);
        assertThat(strings(claims.get("roles"))).containsExactly("Function.Invoke");
        assertThat(signatureVerifies(token, publishedKeys().get(header(token).get("kid").textValue()))).isTrue();
    }

    @Test
    void devTokenSetsTheClaimsGivenAndKeepsTheOthers() {
        JsonNode claims = claims(devToken("{\"claims\": {\"aud\": \"https://graph.microsoft.com\", "
                + "\"roles\": [\"A\", \"B\"], \"exp\": 5}}"));

        assertThat(claims.get("aud").textValue()).isEqualTo("https://graph.microsoft.com");
        assertThat(strings(claims.get("roles"))).containsExactly("A", "B");
        assertThat(claims.get("exp").isNumber()).isTrue();
        assertThat(claims.get("exp").longValue()).isEqualTo(5);
        assertThat(claims.get("oid").textValue()).isEqualTo(LocalIdentities.APIM.objectId());
    }

    @Test
    void devTokenRemovesAClaimGivenNull() {
        JsonNode claims = claims(devToken("{\"claims\": {\"tid\": null}}"));

        assertThat(claims.has("tid")).isFalse();
        assertThat(claims.has("oid")).isTrue();
    }

    @Test
    void devTokenSetsTheHeaderFieldsGiven() {
        JsonNode header = header(devToken("{\"header\": {\"kid\": \"not-a-published-kid\"}}"));

        assertThat(header.get("kid").textValue()).isEqualTo("not-a-published-kid");
        assertThat(header.get("alg").textValue()).isEqualTo("RS256");
    }

    @Test
    void devTokenRemovesAHeaderFieldGivenNull() {
        JsonNode header = header(devToken("{\"header\": {\"kid\": null}}"));

        assertThat(header.has("kid")).isFalse();
        assertThat(header.has("x5t")).isTrue();
    }

    @Test
    void devTokenSignsWithTheCurrentKeyWhateverTheHeaderSays() throws Exception {
        String kid = publishedKids().get(0);

        String token = devToken("{\"header\": {\"alg\": \"HS256\"}}");

        assertThat(header(token).get("alg").textValue()).isEqualTo("HS256");
        assertThat(signatureVerifies(token, publishedKeys().get(kid))).isTrue();
    }

    @Test
    void devTokenRejectsABodyThatIsNotJson() {
        HttpResponse<String> response = post("/dev/token", "claims=oid");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).get("error").textValue()).isEqualTo("invalid_request");
    }

    @Test
    void devTokenRejectsJsonThatIsNotAnObject() {
        HttpResponse<String> response = post("/dev/token", "[{\"claims\": {}}]");

        assertThat(response.statusCode()).isEqualTo(400);
    }

    // --- /dev/rotate ---------------------------------------------------------------------------------------------

    @Test
    void rotateAnswersTheNewKidAndSignsWithIt() throws Exception {
        String first = publishedKids().get(0);

        String rotated = rotate();

        String token = managedIdentityToken();
        assertThat(rotated).isNotEqualTo(first);
        assertThat(header(token).get("kid").textValue()).isEqualTo(rotated);
        assertThat(signatureVerifies(token, publishedKeys().get(rotated))).isTrue();
    }

    @Test
    void rotateKeepsThePreviousKeyPublishedSoItsTokensStillVerify() throws Exception {
        String first = publishedKids().get(0);
        String tokenBefore = managedIdentityToken();

        String rotated = rotate();

        assertThat(publishedKids()).containsExactlyInAnyOrder(first, rotated);
        assertThat(signatureVerifies(tokenBefore, publishedKeys().get(first))).isTrue();
    }

    @Test
    void secondRotationDropsTheFirstKey() throws KeySetFetchException {
        String first = publishedKids().get(0);
        String second = rotate();

        String third = rotate();

        assertThat(publishedKids()).containsExactlyInAnyOrder(second, third).doesNotContain(first);
        assertThat(publishedKeys()).containsOnlyKeys(second, third);
    }

    @Test
    void callerGuardAllowsATokenSignedAfterRotationOnceItMayRefetchKeys() {
        CallerCheck check = callerCheck();
        String before = managedIdentityToken();
        assertThat(check.decide(RequestHeaders.of(Map.of("authorization", "Bearer " + before))))
                .isInstanceOf(Decision.Allowed.class);
        rotate();
        // CallerGuard refetches for an unknown kid at most once per interval; the clock is pinned, so move it.
        clock.advance(KeySetCache.Timing.DEFAULT.unknownKidInterval());

        String after = managedIdentityToken();

        assertThat(check.decide(RequestHeaders.of(Map.of("authorization", "Bearer " + after))))
                .isInstanceOf(Decision.Allowed.class);
    }

    // --- anything else -------------------------------------------------------------------------------------------

    @Test
    void unknownPathIsNotFound() {
        HttpResponse<String> response = get("/" + TENANT + "/oauth2/v2.0/token");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response.body()).get("error").textValue()).isEqualTo("not_found");
    }

    @Test
    void getOnDevTokenIsNotFound() {
        assertThat(get("/dev/token").statusCode()).isEqualTo(404);
    }

    @Test
    void keysOfAnotherTenantAreNotFound() {
        assertThat(get("/0be7e57e-0000-4000-8000-000000000002/discovery/v2.0/keys").statusCode()).isEqualTo(404);
    }
}
