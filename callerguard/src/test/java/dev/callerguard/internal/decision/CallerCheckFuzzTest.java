package dev.callerguard.internal.decision;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callerguard.CallerSource;
import dev.callerguard.internal.credentials.BearerAuthorization;
import dev.callerguard.internal.credentials.RequestHeaders;
import dev.callerguard.internal.keys.KeyLookup;
import dev.callerguard.internal.keys.SigningKeys;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.internal.token.TokenClaimsReader;
import dev.callerguard.testing.FuzzedCredentials;
import dev.callerguard.testing.TestIds;
import dev.callerguard.testing.TestPrincipals;
import dev.callerguard.testing.TestSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fuzzes the whole caller check from request headers to decision, with the keys in memory and the clock fixed.
 * The invariant: {@link CallerCheck#decide} never throws and never answers 503; it allows a known-good credential
 * (the allowed caller's token signed by the fuzz key, the allowed caller's principal), and it allows anything else
 * only when an independent reading of the credential finds it acceptable: for a bearer token, that means a token
 * the test signed with the fuzz key over exactly those bytes and whose claims pass every rule.
 *
 * <p>{@code mvn verify} runs the seeds in {@code callerguard/src/test/resources/dev/callerguard/internal/decision/CallerCheckFuzzTestInputs};
 * {@code scripts/fuzz.sh} fuzzes.
 */
public class CallerCheckFuzzTest {
    private static final Clock CLOCK = Clock.fixed(FuzzedCredentials.NOW, ZoneOffset.UTC);
    private static final long NOW = FuzzedCredentials.NOW.getEpochSecond();
    private static final long SKEW = GuardSettings.DEFAULT_CLOCK_SKEW.toSeconds();

    private static final SigningKeys KEYS = kid -> FuzzedCredentials.KEY.kid().equals(kid)
            ? new KeyLookup.Found(kid, FuzzedCredentials.KEY.publicKey())
            : new KeyLookup.Unknown();

    public static final CallerCheck BEARER_ONLY = check(false);
    public static final CallerCheck WITH_EASY_AUTH = check(true);

    private static final Set<String> ALLOWED_CALLERS = Set.of(TestIds.ALLOWED_CALLER, TestIds.SECOND_ALLOWED_CALLER);
    private static final Set<String> ISSUERS = Set.of("https://sts.windows.net/" + TestIds.TENANT + "/",
            "https://login.microsoftonline.com/" + TestIds.TENANT + "/v2.0");

    /** The oracle's own strict JSON reading: an accepted credential must be strict JSON by this reading too. */
    private static final ObjectMapper ORACLE_JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static CallerCheck check(boolean easyAuth) {
        Map<String, String> settings = new HashMap<>(TestSettings.values(
                URI.create("https://login.microsoftonline.com/" + TestIds.TENANT + "/discovery/v2.0/keys")));
        if (easyAuth) {
            settings.put(GuardSettings.WEBSITE_AUTH_ENABLED, "true");
        }
        return new CallerCheck(GuardSettings.load(settings), KEYS, CLOCK);
    }

    @FuzzTest
    void bearerHeader(FuzzedDataProvider data) {
        FuzzedCredentials.Bearer bearer = FuzzedCredentials.bearer(data);

        Decision decision = decide(BEARER_ONLY, bearer.header(), null);

        assertBearerDecision(decision, bearer);
    }

    @FuzzTest
    void principalHeader(FuzzedDataProvider data) {
        FuzzedCredentials.Principal principal = FuzzedCredentials.principal(data);

        Decision decision = decide(WITH_EASY_AUTH, null, principal.header());

        if (principal.header().equals(FuzzedCredentials.GOOD_PRINCIPAL)) {
            assertAllowed(decision, TestIds.ALLOWED_CALLER);
        } else if (decision instanceof Decision.Allowed allowed) {
            assertThat(allowed.caller().source()).isEqualTo(CallerSource.EASY_AUTH);
            assertThat(acceptablePrincipalOid(principal.header()))
                    .as("principal accepted although its claims do not pass: %s", principal.header())
                    .contains(allowed.caller().objectId());
        } else {
            assertRefusedWithoutUnavailable(decision);
        }
    }

    @FuzzTest
    void bearerWithPrincipal(FuzzedDataProvider data) {
        FuzzedCredentials.Principal principal = FuzzedCredentials.principalBesideBearer(data);
        FuzzedCredentials.Bearer bearer = FuzzedCredentials.bearerBesidePrincipal(data);
        String principalHeader = principal == null ? null : principal.header();
        String authorization = bearer == null ? null : bearer.header();

        Decision decision = decide(WITH_EASY_AUTH, authorization, principalHeader);

        boolean goodPrincipal = principalHeader == null || principalHeader.equals(FuzzedCredentials.GOOD_PRINCIPAL);
        boolean goodBearer = bearer == null || FuzzedCredentials.GOOD_TOKENS.contains(bearerToken(authorization));
        if (goodPrincipal && goodBearer && (bearer != null || principal != null)) {
            assertAllowed(decision, TestIds.ALLOWED_CALLER);
        } else if (decision instanceof Decision.Allowed allowed && allowed.caller().source() == CallerSource.BEARER) {
            assertBearerDecision(decision, bearer);
            if (principalHeader != null) {
                assertThat(acceptablePrincipalOid(principalHeader, false))
                        .as("bearer accepted beside a principal that names another caller")
                        .contains(allowed.caller().objectId());
            }
        } else if (decision instanceof Decision.Allowed allowed) {
            assertThat(carriesBearerScheme(authorization))
                    .as("principal accepted although a bearer header was sent: %s", authorization).isFalse();
            assertThat(principalHeader).isNotNull();
            assertThat(acceptablePrincipalOid(principalHeader)).contains(allowed.caller().objectId());
        } else {
            assertRefusedWithoutUnavailable(decision);
        }
    }

    public static Decision decide(CallerCheck check, String authorization, String principal) {
        Map<String, String> headers = new HashMap<>();
        if (authorization != null) {
            headers.put(CallerCheck.AUTHORIZATION, authorization);
        }
        if (principal != null) {
            headers.put(CallerCheck.CLIENT_PRINCIPAL, principal);
        }
        return check.decide(RequestHeaders.of(headers));
    }

    private static void assertBearerDecision(Decision decision, FuzzedCredentials.Bearer bearer) {
        String token = bearerToken(bearer.header());
        if (token != null && FuzzedCredentials.GOOD_TOKENS.contains(token)) {
            assertAllowed(decision, TestIds.ALLOWED_CALLER);
        } else if (decision instanceof Decision.Allowed allowed) {
            assertThat(allowed.caller().source()).isEqualTo(CallerSource.BEARER);
            assertThat(token).as("accepted a header that is not 'Bearer <one token>': %s", bearer.header()).isNotNull();
            assertThat(signedByFuzzKey(token))
                    .as("accepted a token without the fuzz key's signature over exactly its bytes: %s", token).isTrue();
            assertThat(acceptableTokenOid(token))
                    .as("accepted a signed token whose claims do not pass: %s", token)
                    .contains(allowed.caller().objectId());
        } else {
            assertRefusedWithoutUnavailable(decision);
        }
    }

    private static void assertAllowed(Decision decision, String objectId) {
        assertThat(decision).isInstanceOf(Decision.Allowed.class);
        assertThat(((Decision.Allowed) decision).caller().objectId()).isEqualTo(objectId);
    }

    public static void assertRefusedWithoutUnavailable(Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Refused.class);
        RefusalKind kind = ((Decision.Refused) decision).refusal().kind();
        assertThat(kind).isNotEqualTo(RefusalKind.UNAVAILABLE);
        assertThat(kind.status()).isIn(400, 401, 403);
    }

    /**
     * The token of a header that is, after trimming, the {@code Bearer} scheme in any ASCII case, one or more spaces
     * and one token without spaces, within the size limit; else {@code null}.
     */
    static String bearerToken(String header) {
        if (header == null || header.length() > BearerAuthorization.MAX_HEADER_LENGTH) {
            return null;
        }
        // Only spaces and tabs around the value, as HTTP's optional whitespace (RFC 9110 section 5.5) and the check;
        // String.strip would also drop U+001F, U+2003, CR and LF, which make the header no bearer credential.
        String value = header.replaceAll("^[ \t]+|[ \t]+$", "");
        if (value.length() < 8 || !isBearerWord(value.substring(0, 6)) || value.charAt(6) != ' ') {
            return null;
        }
        String token = value.substring(6).replaceFirst("^ +", "");
        return token.isEmpty() || token.contains(" ") ? null : token;
    }

    /** Whether the token's third segment is an RS256 signature by the fuzz key over its first two, as sent. */
    static boolean signedByFuzzKey(String token) {
        int end = token.lastIndexOf('.');
        byte[] signature = end < 0 ? null : strictBase64Url(token.substring(end + 1));
        if (signature == null) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(FuzzedCredentials.KEY.publicKey());
            verifier.update(token.substring(0, end).getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Whether the header names the Bearer scheme at all (then it is a bearer credential, good or not). */
    private static boolean carriesBearerScheme(String header) {
        if (header == null || header.isBlank()) {
            return false;
        }
        String value = header.strip();
        return value.length() >= 6 && isBearerWord(value.substring(0, 6))
                && (value.length() == 6 || value.charAt(6) == ' ' || value.charAt(6) == '\t');
    }

    private static boolean isBearerWord(String word) {
        String lower = "bearer";
        String upper = "BEARER";
        for (int i = 0; i < 6; i++) {
            if (word.charAt(i) != lower.charAt(i) && word.charAt(i) != upper.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The token's canonical oid when an independent reading finds it acceptable: canonical base64url, strict JSON,
     * RS256 with the fuzz key's kid and no crit/cty, the tenant's issuer and tenant, an accepted audience, a lifetime
     * around the fixed clock, an allowed oid, consistent appid/azp and string roles; else empty.
     */
    public static Optional<String> acceptableTokenOid(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        JsonNode header = strictBase64UrlJson(parts[0]);
        JsonNode claims = strictBase64UrlJson(parts[1]);
        if (header == null || claims == null || strictBase64Url(parts[2]) == null) {
            return Optional.empty();
        }
        boolean headerOk = "RS256".equals(text(header, "alg"))
                && FuzzedCredentials.KEY.kid().equals(text(header, "kid"))
                && !header.has("crit") && !header.has("cty");
        JsonNode exp = claims.get("exp");
        JsonNode nbf = claims.get("nbf");
        boolean lifetimeOk = exp != null && exp.isIntegralNumber() && exp.canConvertToLong()
                && NOW < exp.longValue() + SKEW && exp.longValue() <= TokenClaimsReader.MAX_NUMERIC_DATE
                && (nbf == null || nbf.isIntegralNumber() && nbf.canConvertToLong() && nbf.longValue() >= 0
                        && NOW >= nbf.longValue() - SKEW);
        String appid = text(claims, "appid");
        String azp = text(claims, "azp");
        boolean ok = headerOk && lifetimeOk
                && ISSUERS.contains(text(claims, "iss"))
                && TestIds.TENANT.equals(canonicalGuid(text(claims, "tid")))
                && audiencesAccepted(claims.get("aud"))
                && (appid == null || azp == null || appid.equals(azp))
                && (claims.get("roles") == null || allTextual(claims.get("roles")));
        String oid = canonicalGuid(text(claims, "oid"));
        return ok && ALLOWED_CALLERS.contains(oid) ? Optional.of(oid) : Optional.empty();
    }

    public static Optional<String> acceptablePrincipalOid(String value) {
        return acceptablePrincipalOid(value, true);
    }

    /**
     * The principal's canonical oid when an independent reading finds it acceptable (base64 of strict JSON, an
     * {@code aad} principal whose claims are typ/val strings, one tenant that is ours, one allowed oid and, when
     * {@code rules}, an accepted audience); else empty.
     */
    public static Optional<String> acceptablePrincipalOid(String value, boolean rules) {
        JsonNode principal;
        try {
            principal = ORACLE_JSON.readTree(Base64.getDecoder().decode(value.strip()));
        } catch (Exception e) {
            return Optional.empty();
        }
        if (principal == null || !principal.isObject() || !"aad".equalsIgnoreCase(text(principal, "auth_typ"))
                || principal.get("claims") == null || !principal.get("claims").isArray()) {
            return Optional.empty();
        }
        Set<String> oids = new LinkedHashSet<>();
        Set<String> tids = new LinkedHashSet<>();
        List<String> audiences = new ArrayList<>();
        for (JsonNode claim : principal.get("claims")) {
            String typ = text(claim, "typ");
            String val = text(claim, "val");
            if (typ == null || val == null) {
                return Optional.empty();
            }
            if (typ.equals("oid") || typ.equals(TestPrincipals.OID_URI)) {
                oids.add(val);
            } else if (typ.equals("tid") || typ.equals(TestPrincipals.TID_URI)) {
                tids.add(val);
            } else if (typ.equals("aud")) {
                audiences.add(val);
            }
        }
        if (oids.size() != 1 || tids.size() > 1) {
            return Optional.empty();
        }
        String oid = canonicalGuid(oids.iterator().next());
        if (!rules) {
            return Optional.ofNullable(oid);
        }
        boolean ok = tids.size() == 1 && TestIds.TENANT.equals(canonicalGuid(tids.iterator().next()))
                && audiences.stream().anyMatch(CallerCheckFuzzTest::acceptedAudience)
                && ALLOWED_CALLERS.contains(oid);
        return ok ? Optional.of(oid) : Optional.empty();
    }

    private static boolean audiencesAccepted(JsonNode aud) {
        if (aud == null) {
            return false;
        }
        if (aud.isTextual()) {
            return acceptedAudience(aud.textValue());
        }
        if (!allTextual(aud)) {
            return false;
        }
        for (JsonNode value : aud) {
            if (acceptedAudience(value.textValue())) {
                return true;
            }
        }
        return false;
    }

    private static boolean acceptedAudience(String aud) {
        return TestIds.API_APP_ID_URI.equals(aud) || TestIds.API_CLIENT_ID.equals(canonicalGuid(aud));
    }

    private static boolean allTextual(JsonNode node) {
        if (!node.isArray()) {
            return false;
        }
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static String text(JsonNode object, String name) {
        JsonNode node = object.isObject() ? object.get(name) : null;
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    /** Lower-case 8-4-4-4-12 hex GUID, or {@code null}. */
    private static String canonicalGuid(String text) {
        if (text == null || text.length() != 36) {
            return null;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            boolean hex = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (dash ? c != '-' : !hex) {
                return null;
            }
        }
        return text.toLowerCase(Locale.ROOT);
    }

    /** The bytes of a canonical unpadded base64url text, or {@code null}. */
    private static byte[] strictBase64Url(String text) {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(text);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(text) ? bytes : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static JsonNode strictBase64UrlJson(String text) {
        byte[] bytes = strictBase64Url(text);
        if (bytes == null) {
            return null;
        }
        try {
            JsonNode node = ORACLE_JSON.readTree(bytes);
            return node != null && node.isObject() ? node : null;
        } catch (Exception e) {
            return null;
        }
    }
}
