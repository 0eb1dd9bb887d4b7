package dev.callerguard.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.callerguard.internal.credentials.MalformedCredentialException;
import dev.callerguard.internal.credentials.StrictJson;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.rules.CallerClaims;
import dev.callerguard.testing.TestClaims;
import dev.callerguard.testing.TestIds;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenClaimsReaderTest {
    private static final long NBF = 1_748_779_140L;
    private static final long EXP = NBF + 3600;

    /** The payload of a valid v1 token of the allowed caller holding one role. */
    private static ObjectNode payload() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("aud", TestIds.API_APP_ID_URI);
        payload.put("iss", TestClaims.V1_ISSUER);
        payload.put("nbf", NBF);
        payload.put("exp", EXP);
        payload.put("appid", TestIds.ALLOWED_CALLER_APP);
        payload.put("oid", TestIds.ALLOWED_CALLER);
        payload.put("tid", TestIds.TENANT);
        payload.putArray("roles").add("Reports.Read");
        payload.put("ver", "1.0");
        return payload;
    }

    /** Reads the payload as the check does: written as JSON, read as bytes. */
    private static CallerClaims read(ObjectNode payload) throws Exception {
        return TokenClaimsReader.read(StrictJson.WRITER.writeValueAsBytes(payload));
    }

    private static void assertMalformedClaims(ObjectNode payload) {
        assertThatThrownBy(() -> read(payload))
                .isInstanceOfSatisfying(MalformedCredentialException.class,
                        e -> assertThat(e.refusal()).isEqualTo(Refusal.MALFORMED_CLAIMS));
    }

    @Test
    void readsEveryClaimTheCheckNeeds() throws Exception {
        CallerClaims claims = read(payload());

        assertThat(claims.issuer()).contains(TestClaims.V1_ISSUER);
        assertThat(claims.tenantId()).contains(TestIds.TENANT);
        assertThat(claims.audiences()).containsExactly(TestIds.API_APP_ID_URI);
        assertThat(claims.objectId()).contains(TestIds.ALLOWED_CALLER);
        assertThat(claims.appId()).contains(TestIds.ALLOWED_CALLER_APP);
        assertThat(claims.roles()).containsExactly("Reports.Read");
        assertThat(claims.expiresAt()).contains(EXP);
        assertThat(claims.notBefore()).contains(NBF);
    }

    @Test
    void keepsEveryClaimIncludingThoseItDoesNotRead() throws Exception {
        assertThat(read(payload()).all()).containsEntry("ver", "1.0")
                .containsEntry("oid", TestIds.ALLOWED_CALLER);
    }

    @Test
    void leavesAbsentClaimsEmpty() throws Exception {
        ObjectNode payload = payload();
        payload.remove("oid");
        payload.remove("roles");
        payload.remove("nbf");

        CallerClaims claims = read(payload);

        assertThat(claims.objectId()).isEmpty();
        assertThat(claims.roles()).isEmpty();
        assertThat(claims.notBefore()).isEmpty();
    }

    @Test
    void leavesOutClaimsThatAreNullFromTheClaimsAFunctionReads() throws Exception {
        ObjectNode payload = payload();
        payload.putNull("email");

        assertThat(read(payload).all()).doesNotContainKey("email").containsEntry("ver", "1.0");
    }

    @Test
    void keepsTheClaimsInTheTokensOrder() throws Exception {
        assertThat(read(payload()).all().keySet()).containsExactly("aud", "iss", "nbf", "exp", "appid", "oid",
                "tid", "roles", "ver");
    }

    @ParameterizedTest
    @ValueSource(strings = {"iss", "tid", "aud", "oid", "appid", "azp", "roles", "exp", "nbf"})
    void refusesAClaimItReadsThatIsNull(String claim) {
        ObjectNode payload = payload();
        payload.putNull(claim);

        assertMalformedClaims(payload);
    }

    @Test
    void readsAnAudienceArray() throws Exception {
        ObjectNode payload = payload();
        payload.putArray("aud").add("https://graph.microsoft.com").add(TestIds.API_APP_ID_URI);

        assertThat(read(payload).audiences())
                .containsExactly("https://graph.microsoft.com", TestIds.API_APP_ID_URI);
    }

    @Test
    void refusesAnAudienceThatIsANumber() {
        ObjectNode payload = payload();
        payload.put("aud", 42);

        assertMalformedClaims(payload);
    }

    @Test
    void refusesAnAudienceArrayHoldingANonString() {
        ObjectNode payload = payload();
        payload.putArray("aud").add(TestIds.API_APP_ID_URI).add(42);

        assertMalformedClaims(payload);
    }

    @Test
    void refusesAnObjectIdThatIsNotAString() {
        ObjectNode payload = payload();
        payload.putArray("oid").add(TestIds.ALLOWED_CALLER);

        assertMalformedClaims(payload);
    }

    @Test
    void refusesAnIssuerThatIsNotAString() {
        ObjectNode payload = payload();
        payload.put("iss", 1);

        assertMalformedClaims(payload);
    }

    @Test
    void refusesRolesThatAreNotAnArray() {
        ObjectNode payload = payload();
        payload.put("roles", "Reports.Read");

        assertMalformedClaims(payload);
    }

    @Test
    void refusesRolesHoldingANonString() {
        ObjectNode payload = payload();
        payload.putArray("roles").add("Reports.Read").add(true);

        assertMalformedClaims(payload);
    }

    @Test
    void refusesAnExpiryWithAFraction() {
        ObjectNode payload = payload();
        payload.put("exp", EXP + 0.5);

        assertMalformedClaims(payload);
    }

    @Test
    void refusesAnExpiryGivenAsAString() {
        ObjectNode payload = payload();
        payload.put("exp", Long.toString(EXP));

        assertMalformedClaims(payload);
    }

    @Test
    void refusesANegativeExpiry() {
        ObjectNode payload = payload();
        payload.put("exp", -1L);

        assertMalformedClaims(payload);
    }

    @Test
    void acceptsANotBeforeAtTheEpoch() throws Exception {
        ObjectNode payload = payload();
        payload.put("nbf", 0L);

        assertThat(read(payload).notBefore()).contains(0L);
    }

    @Test
    void acceptsAnExpiryAtTheLastSecondOfYear9999() throws Exception {
        ObjectNode payload = payload();
        payload.put("exp", 253_402_300_799L);

        assertThat(read(payload).expiresAt()).contains(253_402_300_799L);
    }

    @Test
    void refusesAnExpiryBeyondYear9999() {
        ObjectNode payload = payload();
        payload.put("exp", 253_402_300_800L);

        assertMalformedClaims(payload);
    }

    @Test
    void refusesAnExpiryTooLargeForALong() {
        ObjectNode payload = payload();
        payload.put("exp", new BigInteger("99999999999999999999"));

        assertMalformedClaims(payload);
    }

    @Test
    void refusesANotBeforeWithAFraction() {
        ObjectNode payload = payload();
        payload.put("nbf", NBF + 0.5);

        assertMalformedClaims(payload);
    }

    @Test
    void readsTheAppIdFromAzpInAV2Token() throws Exception {
        ObjectNode payload = payload();
        payload.remove("appid");
        payload.put("azp", TestIds.ALLOWED_CALLER_APP);

        assertThat(read(payload).appId()).contains(TestIds.ALLOWED_CALLER_APP);
    }

    @Test
    void acceptsAppidAndAzpThatAgree() throws Exception {
        ObjectNode payload = payload();
        payload.put("azp", TestIds.ALLOWED_CALLER_APP);

        assertThat(read(payload).appId()).contains(TestIds.ALLOWED_CALLER_APP);
    }

    @Test
    void refusesAppidAndAzpThatDiffer() {
        ObjectNode payload = payload();
        payload.put("azp", TestIds.INTRUDER_APP);

        assertMalformedClaims(payload);
    }

    @Test
    void holdsTheIdsInCanonicalForm() throws Exception {
        ObjectNode payload = payload();
        payload.put("oid", TestIds.ALLOWED_CALLER.toUpperCase(Locale.ROOT));
        payload.put("tid", TestIds.TENANT.toUpperCase(Locale.ROOT));
        payload.put("appid", TestIds.ALLOWED_CALLER_APP.toUpperCase(Locale.ROOT));

        CallerClaims claims = read(payload);

        assertThat(claims.objectId()).contains(TestIds.ALLOWED_CALLER);
        assertThat(claims.tenantId()).contains(TestIds.TENANT);
        assertThat(claims.appId()).contains(TestIds.ALLOWED_CALLER_APP);
        // What a function reads is the claims as sent.
        assertThat(claims.all()).containsEntry("oid", TestIds.ALLOWED_CALLER.toUpperCase(Locale.ROOT));
    }

    @Test
    void leavesIdsThatAreNotGuidsOutButAnAppIdAsSent() throws Exception {
        ObjectNode payload = payload();
        payload.put("oid", "not-a-guid");
        payload.put("tid", "contoso.onmicrosoft.com");
        payload.put("appid", "Not-A-Guid");

        CallerClaims claims = read(payload);

        assertThat(claims.objectId()).isEmpty();
        assertThat(claims.tenantId()).isEmpty();
        assertThat(claims.appId()).contains("Not-A-Guid");
    }

    /** Claims are read in one pass, but a text that is not strict JSON is refused as such, whatever its claims. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"exp\":\"soon\",\"oid\":1,}",
            "{\"exp\":\"soon\",\"exp\":1}",
            "{\"roles\":7,\"x\":\"\\ud800\"}",
            "{\"aud\":null} {}"})
    void refusesATextThatIsNotStrictJsonAsAMalformedTokenEvenAfterAMalformedClaim(String json) {
        assertThatThrownBy(() -> TokenClaimsReader.read(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(MalformedCredentialException.class,
                        e -> assertThat(e.refusal()).isEqualTo(Refusal.MALFORMED_TOKEN));
    }

    /** A strict text with malformed claims is refused for its claims; the detail (never shown) names one of them. */
    @Test
    void refusesAStrictTextWithMalformedClaimsForItsClaims() {
        byte[] json = "{\"exp\":\"soon\",\"oid\":1}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> TokenClaimsReader.read(json))
                .isInstanceOfSatisfying(MalformedCredentialException.class, e -> {
                    assertThat(e.refusal()).isEqualTo(Refusal.MALFORMED_CLAIMS);
                    assertThat(e.getMessage()).containsAnyOf("exp", "oid");
                });
    }
}
