package dev.callerguard.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@code X-MS-CLIENT-PRINCIPAL} values as Easy Auth does for an Entra access token: long claim type URIs
 * for oid and tid, short ones for aud, iss and appid, one entry per role.
 */
public final class TestPrincipals {
    public static final String OID_URI = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    public static final String TID_URI = "http://schemas.microsoft.com/identity/claims/tenantid";
    public static final String ROLE_URI = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
    public static final String SCOPE_URI = "http://schemas.microsoft.com/identity/claims/scope";
    public static final String SUB_URI = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<Map<String, String>> claims = new ArrayList<>();

    private TestPrincipals() {
    }

    /** The allowed caller's principal (a managed identity: {@code idtyp} app, sub equal to oid), as Easy Auth would inject it. */
    public static TestPrincipals allowedCaller() {
        return new TestPrincipals()
                .claim("aud", TestIds.API_APP_ID_URI)
                .claim("iss", "https://sts.windows.net/" + TestIds.TENANT + "/")
                .claim("appid", TestIds.ALLOWED_CALLER_APP)
                .claim("idtyp", "app")
                .claim(OID_URI, TestIds.ALLOWED_CALLER)
                .claim(SUB_URI, TestIds.ALLOWED_CALLER)
                .claim(TID_URI, TestIds.TENANT)
                .claim("ver", "1.0");
    }

    /** A user's principal: a delegated token of the allowed caller's object id, with scopes and a pairwise sub. */
    public static TestPrincipals allowedUser() {
        return allowedCaller().without("idtyp").without(SUB_URI)
                .claim(SUB_URI, "Ma8APpvZmW33OtwMeY4mEpA8_AOWWE6yTGYXZFdJTNQ")
                .claim(SCOPE_URI, "user_impersonation");
    }

    public TestPrincipals claim(String type, String value) {
        claims.add(Map.of("typ", type, "val", value));
        return this;
    }

    /** Drops every claim of this type. */
    public TestPrincipals without(String type) {
        claims.removeIf(c -> c.get("typ").equals(type));
        return this;
    }

    public String encode() {
        Map<String, Object> principal = new LinkedHashMap<>();
        principal.put("auth_typ", "aad");
        principal.put("claims", claims);
        principal.put("name_typ", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name");
        principal.put("role_typ", ROLE_URI);
        try {
            return Base64.getEncoder().encodeToString(MAPPER.writeValueAsString(principal)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
