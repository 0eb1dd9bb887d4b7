package dev.callerguard.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.callerguard.CallerSource;
import dev.callerguard.VerifiedCaller;
import dev.callerguard.internal.decision.CallerCheck;
import dev.callerguard.internal.decision.Decision;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.keys.SigningKeys;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.testing.MutableClock;
import dev.callerguard.testing.SharedTestData;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real {@code X-MS-CLIENT-PRINCIPAL} values that App Service Authentication produced
 * ({@code ../shared/testdata/entra-real/principal-0N.b64}, decoded in {@code principal-0N.json}) through the full
 * caller check with Easy Auth trusted and settings matching the principal's tenant, audience and caller.
 */
class EntraRealCorpusPrincipalsTest {
    private static final SharedTestData DATA = SharedTestData.entraReal();
    private static final String OBJECT_ID = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    private static final String TENANT_ID = "http://schemas.microsoft.com/identity/claims/tenantid";

    /** The signature layer has no part in an Easy Auth principal: any key lookup is a failure. */
    private static final SigningKeys NO_KEYS = kid -> {
        throw new AssertionError("a principal must not need a key lookup, yet kid " + kid + " was looked up");
    };

    static Stream<String> principals() {
        List<String> names = new ArrayList<>();
        DATA.json("manifest.json").get("principals").fieldNames().forEachRemaining(names::add);
        assertThat(names).hasSize(2);
        return names.stream().sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("principals")
    void headerValueIsTheBase64OfTheDecodedPrincipal(String principal) {
        byte[] decoded = Base64.getDecoder().decode(DATA.text(principal + ".b64").strip());

        assertThat(decoded).isEqualTo(DATA.bytes(principal + ".json"));
    }

    /** Both real principals come from delegated (user) access tokens: they carry scopes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("principals")
    void refusesEachRealPrincipalAsAUserUnderTheDefaultCallerTypes(String principal) {
        JsonNode claims = DATA.json(principal + ".json").get("claims");
        assertThat(claim(claims, "http://schemas.microsoft.com/identity/claims/scope")).isNotBlank();
        Map<String, String> settings = settings(claims);
        settings.put(GuardSettings.WEBSITE_AUTH_ENABLED, "true");

        Decision decision = decide(principal, claims, settings);

        assertThat(decision).isInstanceOfSatisfying(Decision.Refused.class,
                refused -> assertThat(refused.refusal()).isEqualTo(Refusal.CALLER_TYPE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("principals")
    void allowsEachRealPrincipalWhenEasyAuthIsTrustedAndUsersAreAccepted(String principal) {
        JsonNode claims = DATA.json(principal + ".json").get("claims");
        Map<String, String> settings = settings(claims);
        settings.put(GuardSettings.WEBSITE_AUTH_ENABLED, "true");
        settings.put(GuardSettings.CALLER_TYPES, "app,user");

        Decision decision = decide(principal, claims, settings);

        assertThat(decision).as("%s", decision).isInstanceOf(Decision.Allowed.class);
        VerifiedCaller caller = ((Decision.Allowed) decision).caller();
        assertThat(caller.objectId()).isEqualToIgnoringCase(claim(claims, OBJECT_ID));
        assertThat(caller.tenantId()).isEqualToIgnoringCase(claim(claims, TENANT_ID));
        assertThat(caller.appId()).hasValueSatisfying(app ->
                assertThat(app).isEqualToIgnoringCase(claim(claims, "appid")));
        assertThat(caller.source()).isEqualTo(CallerSource.EASY_AUTH);
        assertThat(decision.warnings()).isEmpty();
    }

    /** Scopes (issue 20): each real principal is a user's; it passes with the scope it holds, not with another. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("principals")
    void requiresTheScopesOfEachRealPrincipal(String principal) {
        JsonNode claims = DATA.json(principal + ".json").get("claims");
        Map<String, String> settings = settings(claims);
        settings.put(GuardSettings.WEBSITE_AUTH_ENABLED, "true");
        settings.put(GuardSettings.CALLER_TYPES, "app,user");
        settings.put(GuardSettings.REQUIRED_SCOPES, claim(claims, "http://schemas.microsoft.com/identity/claims/scope"));

        assertThat(decide(principal, claims, settings)).isInstanceOf(Decision.Allowed.class);
        settings.put(GuardSettings.REQUIRED_SCOPES, "Orders.Read");
        assertThat(decide(principal, claims, settings)).isInstanceOfSatisfying(Decision.Refused.class,
                refused -> assertThat(refused.refusal()).isEqualTo(Refusal.SCOPE_MISSING));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("principals")
    void ignoresEachRealPrincipalWhenEasyAuthIsNotProvenToRun(String principal) {
        JsonNode claims = DATA.json(principal + ".json").get("claims");

        Decision decision = decide(principal, claims, settings(claims));

        assertThat(decision).isInstanceOf(Decision.Refused.class);
        assertThat(((Decision.Refused) decision).refusal()).isEqualTo(Refusal.NO_CREDENTIALS);
        assertThat(decision.warnings()).containsExactly(CallerCheck.UNTRUSTED_PRINCIPAL_WARNING);
    }

    private static Decision decide(String principal, JsonNode claims, Map<String, String> settings) {
        MutableClock clock = new MutableClock(Instant.ofEpochSecond(Long.parseLong(claim(claims, "iat"))));
        CallerCheck check = new CallerCheck(GuardSettings.load(settings), NO_KEYS, clock);
        String header = new String(DATA.bytes(principal + ".b64"), StandardCharsets.US_ASCII);
        return check.decide(RequestHeaders.of(Map.of("x-ms-client-principal", header)));
    }

    /** Tenant, audience and caller of the principal; Easy Auth not (yet) trusted. */
    private static Map<String, String> settings(JsonNode claims) {
        Map<String, String> settings = new HashMap<>();
        settings.put(GuardSettings.TENANT_ID, claim(claims, TENANT_ID));
        settings.put(GuardSettings.AUDIENCES, claim(claims, "aud"));
        settings.put(GuardSettings.ALLOWED_CALLERS, claim(claims, OBJECT_ID));
        return settings;
    }

    /** The one value of a claim type in the principal's claims array. */
    private static String claim(JsonNode claims, String type) {
        List<String> values = new ArrayList<>();
        claims.forEach(claim -> {
            if (type.equals(claim.get("typ").asText())) {
                values.add(claim.get("val").asText());
            }
        });
        assertThat(values).as(type).hasSize(1);
        return values.get(0);
    }
}
