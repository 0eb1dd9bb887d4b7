package dev.callerguard.internal.credentials;

import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.rules.CallerClaims;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses the {@code X-MS-CLIENT-PRINCIPAL} header that App Service Authentication injects: base64 of
 * {@code {"auth_typ","claims":[{"typ","val"}],"name_typ","role_typ"}}. Claim types come short ({@code oid})
 * or as the long URIs Easy Auth renames them to; repeated claims are repeated entries.
 *
 * @see <a href="https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities">
 *     Work with user identities in App Service authentication</a>
 */
public final class EasyAuthPrincipalParser {
    /** Longest header value accepted. */
    public static final int MAX_LENGTH = 32 * 1024;

    static final String OBJECT_ID_URI = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    static final String TENANT_ID_URI = "http://schemas.microsoft.com/identity/claims/tenantid";
    static final String ROLE_URI = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
    static final String SCOPE_URI = "http://schemas.microsoft.com/identity/claims/scope";
    static final String SUBJECT_URI = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";

    private EasyAuthPrincipalParser() {
    }

    /** Parses a header value into claims, or throws when it is not a principal of the expected shape. */
    public static CallerClaims parse(String headerValue) throws MalformedCredentialException {
        if (headerValue.length() > MAX_LENGTH) {
            throw malformed("too long");
        }
        byte[] json;
        try {
            json = Base64.getDecoder().decode(headerValue.strip());
        } catch (IllegalArgumentException e) {
            throw malformed("not base64");
        }
        Map<String, Object> principal = StrictJson.object(json, Refusal.MALFORMED_PRINCIPAL);
        if (!(principal.get("auth_typ") instanceof String authType) || !authType.equalsIgnoreCase("aad")) {
            throw malformed("not a Microsoft Entra principal");
        }
        if (!(principal.get("claims") instanceof List<?> claims)) {
            throw malformed("no claims array");
        }
        Set<String> roleTypes = new LinkedHashSet<>(List.of("roles", ROLE_URI));
        if (principal.containsKey("role_typ")) {
            if (!(principal.get("role_typ") instanceof String roleType)) {
                throw malformed("role_typ is not a string");
            }
            roleTypes.add(roleType);
        }

        Map<String, List<String>> byType = new LinkedHashMap<>();
        for (Object claim : claims) {
            if (!(claim instanceof Map<?, ?> entry) || !(entry.get("typ") instanceof String typ)
                    || !(entry.get("val") instanceof String val)) {
                throw malformed("claim without string typ and val");
            }
            byType.computeIfAbsent(typ, k -> new ArrayList<>()).add(val);
        }

        List<String> roles = new ArrayList<>();
        for (String type : roleTypes) {
            roles.addAll(byType.getOrDefault(type, List.of()));
        }
        Map<String, Object> all = new LinkedHashMap<>();
        byType.forEach((type, values) -> all.put(type, values.size() == 1 ? values.get(0) : List.copyOf(values)));

        return new CallerClaims(
                single(byType, "iss"),
                single(byType, "tid", TENANT_ID_URI),
                byType.getOrDefault("aud", List.of()),
                single(byType, "oid", OBJECT_ID_URI),
                single(byType, "appid", "azp"),
                List.copyOf(new LinkedHashSet<>(roles)),
                single(byType, "sub", SUBJECT_URI),
                single(byType, "idtyp"),
                single(byType, "scp", SCOPE_URI),
                Optional.empty(),
                Optional.empty(),
                all);
    }

    /** The one value the given claim types hold together; repeated equal values count once. */
    private static Optional<String> single(Map<String, List<String>> byType, String... types)
            throws MalformedCredentialException {
        Set<String> values = new LinkedHashSet<>();
        for (String type : types) {
            values.addAll(byType.getOrDefault(type, List.of()));
        }
        if (values.size() > 1) {
            throw new MalformedCredentialException(Refusal.MALFORMED_CLAIMS, types[0] + " has several values");
        }
        return values.stream().findFirst();
    }

    private static MalformedCredentialException malformed(String detail) {
        return new MalformedCredentialException(Refusal.MALFORMED_PRINCIPAL, detail);
    }
}
