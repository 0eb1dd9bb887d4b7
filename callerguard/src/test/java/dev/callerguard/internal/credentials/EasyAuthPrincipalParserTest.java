package dev.callerguard.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.rules.CallerClaims;
import dev.callerguard.testing.TestClaims;
import dev.callerguard.testing.TestIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EasyAuthPrincipalParserTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * The principal Easy Auth injects for the allowed caller: object and tenant ids under the long claim URIs,
     * one role; mutable, so that each test changes one thing.
     */
    private static Map<String, Object> principal() {
        List<Map<String, Object>> claims = new ArrayList<>();
        claims.add(claim("aud", TestIds.API_APP_ID_URI));
        claims.add(claim("iss", TestClaims.V1_ISSUER));
        claims.add(claim("appid", TestIds.ALLOWED_CALLER_APP));
        claims.add(claim(EasyAuthPrincipalParser.OBJECT_ID_URI, TestIds.ALLOWED_CALLER));
        claims.add(claim(EasyAuthPrincipalParser.TENANT_ID_URI, TestIds.TENANT));
        claims.add(claim("roles", "Reports.Read"));
        Map<String, Object> principal = new LinkedHashMap<>();
        principal.put("auth_typ", "aad");
        principal.put("claims", claims);
        principal.put("name_typ", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name");
        principal.put("role_typ", EasyAuthPrincipalParser.ROLE_URI);
        return principal;
    }

    private static Map<String, Object> claim(String typ, Object val) {
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("typ", typ);
        claim.put("val", val);
        return claim;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> claimsOf(Map<String, Object> principal) {
        return (List<Map<String, Object>>) principal.get("claims");
    }

    private static Map<String, Object> principalWith(Map<String, Object> extraClaim) {
        Map<String, Object> principal = principal();
        claimsOf(principal).add(extraClaim);
        return principal;
    }

    private static String header(Object principal) {
        return base64(json(principal));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static CallerClaims parse(Object principal) throws MalformedCredentialException {
        return EasyAuthPrincipalParser.parse(header(principal));
    }

    private static void assertRefused(String headerValue, Refusal refusal) {
        assertThatThrownBy(() -> EasyAuthPrincipalParser.parse(headerValue))
                .isInstanceOfSatisfying(MalformedCredentialException.class,
                        e -> assertThat(e.refusal()).isEqualTo(refusal));
    }

    private static String json(Object principal) {
        try {
            return MAPPER.writeValueAsString(principal);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fixture principal, padded with filler claims until its base64 is exactly {@code length} characters. */
    private static String headerOfLength(int length) {
        Map<String, Object> principal = principal();
        int missing = length / 4 * 3 - json(principalWith(claim("filler", ""))).length();
        int half = missing / 2;
        claimsOf(principal).add(claim("filler", "x".repeat(half)));
        claimsOf(principal).add(claim("filler", "x".repeat(missing - half - json(claim("filler", "")).length() - 1)));
        return header(principal);
    }

    @Test
    void readsClaimsUnderTheLongNamesEasyAuthUses() throws Exception {
        CallerClaims claims = parse(principal());

        assertThat(claims.objectId()).contains(TestIds.ALLOWED_CALLER);
        assertThat(claims.tenantId()).contains(TestIds.TENANT);
        assertThat(claims.audiences()).containsExactly(TestIds.API_APP_ID_URI);
        assertThat(claims.issuer()).contains(TestClaims.V1_ISSUER);
        assertThat(claims.appId()).contains(TestIds.ALLOWED_CALLER_APP);
        assertThat(claims.roles()).containsExactly("Reports.Read");
    }

    @Test
    void readsClaimsUnderTheShortNames() throws Exception {
        Map<String, Object> principal = principal();
        claimsOf(principal).removeIf(c -> c.get("typ").toString().startsWith("http://schemas.microsoft.com"));
        claimsOf(principal).add(claim("oid", TestIds.ALLOWED_CALLER));
        claimsOf(principal).add(claim("tid", TestIds.TENANT));

        CallerClaims claims = parse(principal);

        assertThat(claims.objectId()).contains(TestIds.ALLOWED_CALLER);
        assertThat(claims.tenantId()).contains(TestIds.TENANT);
    }

    @Test
    void readsTheAppIdFromAzp() throws Exception {
        Map<String, Object> principal = principal();
        claimsOf(principal).removeIf(c -> c.get("typ").equals("appid"));
        claimsOf(principal).add(claim("azp", TestIds.ALLOWED_CALLER_APP));

        assertThat(parse(principal).appId()).contains(TestIds.ALLOWED_CALLER_APP);
    }

    @Test
    void hasNoLifetimeClaims() throws Exception {
        CallerClaims claims = parse(principal());

        assertThat(claims.expiresAt()).isEmpty();
        assertThat(claims.notBefore()).isEmpty();
    }

    @Test
    void acceptsTheSameObjectIdUnderTheShortAndTheLongName() throws Exception {
        assertThat(parse(principalWith(claim("oid", TestIds.ALLOWED_CALLER))).objectId())
                .contains(TestIds.ALLOWED_CALLER);
    }

    @Test
    void refusesTwoDifferentObjectIds() {
        assertRefused(header(principalWith(claim(EasyAuthPrincipalParser.OBJECT_ID_URI, TestIds.INTRUDER))),
                Refusal.MALFORMED_CLAIMS);
    }

    @Test
    void refusesObjectIdsUnderTheShortAndTheLongNameThatDiffer() {
        assertRefused(header(principalWith(claim("oid", TestIds.INTRUDER))), Refusal.MALFORMED_CLAIMS);
    }

    @Test
    void refusesTwoDifferentTenantIds() {
        assertRefused(header(principalWith(claim("tid", TestIds.OTHER_TENANT))), Refusal.MALFORMED_CLAIMS);
    }

    @Test
    void refusesAppidAndAzpThatDiffer() {
        assertRefused(header(principalWith(claim("azp", TestIds.INTRUDER_APP))), Refusal.MALFORMED_CLAIMS);
    }

    @Test
    void collectsRepeatedRoleClaims() throws Exception {
        assertThat(parse(principalWith(claim("roles", "Function.Invoke"))).roles())
                .containsExactly("Reports.Read", "Function.Invoke");
    }

    @Test
    void countsARepeatedRoleOnce() throws Exception {
        assertThat(parse(principalWith(claim("roles", "Reports.Read"))).roles()).containsExactly("Reports.Read");
    }

    @Test
    void readsRolesUnderTheRoleClaimUri() throws Exception {
        assertThat(parse(principalWith(claim(EasyAuthPrincipalParser.ROLE_URI, "Function.Invoke"))).roles())
                .containsExactlyInAnyOrder("Reports.Read", "Function.Invoke");
    }

    @Test
    void readsRolesUnderTheTypeNamedByRoleTyp() throws Exception {
        Map<String, Object> principal = principalWith(claim("app_role", "Function.Invoke"));
        principal.put("role_typ", "app_role");

        assertThat(parse(principal).roles()).containsExactlyInAnyOrder("Reports.Read", "Function.Invoke");
    }

    @Test
    void ignoresClaimsOfOtherTypesWhenReadingRoles() throws Exception {
        assertThat(parse(principalWith(claim("groups", "Admins"))).roles()).containsExactly("Reports.Read");
    }

    @Test
    void refusesARoleTypThatIsNotAString() {
        Map<String, Object> principal = principal();
        principal.put("role_typ", List.of("roles"));

        assertRefused(header(principal), Refusal.MALFORMED_PRINCIPAL);
    }

    @Test
    void keepsEveryClaimWithRepeatedOnesAsAList() throws Exception {
        CallerClaims claims = parse(principalWith(claim("roles", "Function.Invoke")));

        assertThat(claims.all())
                .containsEntry(EasyAuthPrincipalParser.OBJECT_ID_URI, TestIds.ALLOWED_CALLER)
                .containsEntry("roles", List.of("Reports.Read", "Function.Invoke"));
    }

    @Test
    void acceptsAadAsAuthTypeInAnyCase() throws Exception {
        Map<String, Object> principal = principal();
        principal.put("auth_typ", "AAD");

        assertThat(parse(principal).objectId()).contains(TestIds.ALLOWED_CALLER);
    }

    @Test
    void refusesAnAuthTypeOtherThanAad() {
        Map<String, Object> principal = principal();
        principal.put("auth_typ", "google");

        assertRefused(header(principal), Refusal.MALFORMED_PRINCIPAL);
    }

    @Test
    void refusesAPrincipalWithoutAuthType() {
        Map<String, Object> principal = principal();
        principal.remove("auth_typ");

        assertRefused(header(principal), Refusal.MALFORMED_PRINCIPAL);
    }

    @Test
    void refusesAPrincipalWithoutClaims() {
        Map<String, Object> principal = principal();
        principal.remove("claims");

        assertRefused(header(principal), Refusal.MALFORMED_PRINCIPAL);
    }

    @Test
    void refusesClaimsThatAreNotAnArray() {
        Map<String, Object> principal = principal();
        principal.put("claims", Map.of("typ", "oid", "val", TestIds.ALLOWED_CALLER));

        assertRefused(header(principal), Refusal.MALFORMED_PRINCIPAL);
    }

    @Test
    void refusesAClaimWhoseValIsNotAString() {
        assertRefused(header(principalWith(claim("exp", 1_748_779_140L))), Refusal.MALFORMED_PRINCIPAL);
    }

    @Test
    void refusesAClaimWithoutTyp() {
        Map<String, Object> principal = principal();
        claimsOf(principal).add(Map.of("val", "Function.Invoke"));

        assertRefused(header(principal), Refusal.MALFORMED_PRINCIPAL);
    }

    @Test
    @SuppressWarnings("unchecked")
    void refusesAClaimThatIsNotAnObject() {
        Map<String, Object> principal = principal();
        ((List<Object>) (List<?>) claimsOf(principal)).add("oid");

        assertRefused(header(principal), Refusal.MALFORMED_PRINCIPAL);
    }

    @Test
    void refusesAHeaderThatIsNotBase64() {
        assertRefused("{\"auth_typ\":\"aad\",\"claims\":[]}", Refusal.MALFORMED_PRINCIPAL);
    }

    @Test
    void refusesBase64OfSomethingOtherThanJson() {
        assertRefused(base64("auth_typ=aad"), Refusal.MALFORMED_PRINCIPAL);
    }

    @Test
    void refusesBase64OfAJsonArray() {
        assertRefused(base64("[{\"auth_typ\":\"aad\"}]"), Refusal.MALFORMED_PRINCIPAL);
    }

    @Test
    void refusesAPrincipalWithADuplicateKey() {
        assertRefused(base64("{\"auth_typ\":\"aad\",\"auth_typ\":\"aad\",\"claims\":[]}"),
                Refusal.MALFORMED_PRINCIPAL);
    }

    @Test
    void acceptsAHeaderOfExactlyTheMaximumLength() throws Exception {
        String header = headerOfLength(EasyAuthPrincipalParser.MAX_LENGTH);

        assertThat(header).hasSize(EasyAuthPrincipalParser.MAX_LENGTH);
        assertThat(EasyAuthPrincipalParser.parse(header).objectId()).contains(TestIds.ALLOWED_CALLER);
    }

    @Test
    void refusesAHeaderLongerThanTheMaximum() {
        String header = headerOfLength(EasyAuthPrincipalParser.MAX_LENGTH + 4);

        assertThatThrownBy(() -> EasyAuthPrincipalParser.parse(header))
                .isInstanceOfSatisfying(MalformedCredentialException.class,
                        e -> assertThat(e.refusal()).isEqualTo(Refusal.MALFORMED_PRINCIPAL))
                .hasMessage("too long");
    }
}
