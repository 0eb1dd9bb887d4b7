package dev.callerguard.internal.token;

import dev.callerguard.internal.credentials.MalformedCredentialException;
import dev.callerguard.internal.credentials.StrictJson;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.rules.CallerClaims;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a token payload, strict JSON ({@link StrictJson#object}), into the claims the check needs: one pass over the
 * claims takes each claim the check reads, refused when of the wrong JSON type, and the claims themselves become the
 * claims a function may read, not copied.
 */
public final class TokenClaimsReader {
    /** 9999-12-31T23:59:59Z: later NumericDates are refused as out of range. */
    public static final long MAX_NUMERIC_DATE = 253_402_300_799L;

    private Optional<String> issuer = Optional.empty();
    private Optional<String> tenantId = Optional.empty();
    private List<String> audiences = List.of();
    private Optional<String> objectId = Optional.empty();
    private Optional<String> appid = Optional.empty();
    private Optional<String> azp = Optional.empty();
    private List<String> roles = List.of();
    private Optional<String> subject = Optional.empty();
    private Optional<String> identityType = Optional.empty();
    private Optional<String> scopes = Optional.empty();
    private Optional<Long> expiresAt = Optional.empty();
    private Optional<Long> notBefore = Optional.empty();
    private boolean nulls;

    private TokenClaimsReader() {
    }

    /** The claims of a token payload; 401 when it is not a strict JSON object, or a claim read has the wrong type. */
    public static CallerClaims read(byte[] payload) throws MalformedCredentialException {
        Map<String, Object> all = StrictJson.object(payload, Refusal.MALFORMED_TOKEN);
        TokenClaimsReader reader = new TokenClaimsReader();
        for (Map.Entry<String, Object> claim : all.entrySet()) {
            reader.claim(claim.getKey(), claim.getValue());
        }
        return reader.claims(reader.nulls ? withoutNulls(all) : all);
    }

    private void claim(String name, Object value) throws MalformedCredentialException {
        switch (name) {
            case "iss" -> issuer = string(name, value);
            case "tid" -> tenantId = string(name, value);
            case "aud" -> audiences = value instanceof String text ? List.of(text) : strings(name, value);
            case "oid" -> objectId = string(name, value);
            case "appid" -> appid = string(name, value);
            case "azp" -> azp = string(name, value);
            case "roles" -> roles = strings(name, value);
            case "sub" -> subject = string(name, value);
            case "idtyp" -> identityType = string(name, value);
            case "scp" -> scopes = string(name, value);
            case "exp" -> expiresAt = numericDate(name, value);
            case "nbf" -> notBefore = numericDate(name, value);
            default -> {
                // A claim the check does not read: any JSON value. One that is null is left out of the claims a
                // function reads (a null claim the check reads is refused above).
                nulls |= value == null;
            }
        }
    }

    /** The claims a function may read: those whose value is JSON null are left out, as if absent. */
    private static Map<String, Object> withoutNulls(Map<String, Object> claims) {
        Map<String, Object> present = new LinkedHashMap<>(claims);
        present.values().removeIf(Objects::isNull);
        return present;
    }

    private CallerClaims claims(Map<String, Object> all) throws MalformedCredentialException {
        if (appid.isPresent() && azp.isPresent() && !appid.equals(azp)) {
            throw malformed("appid and azp differ");
        }
        return new CallerClaims(issuer, tenantId, audiences, objectId, appid.isPresent() ? appid : azp, roles,
                subject, identityType, scopes, expiresAt, notBefore, all);
    }

    private static Optional<String> string(String name, Object value) throws MalformedCredentialException {
        if (!(value instanceof String text)) {
            throw malformed(name + (value == null ? " is null" : " is not a string"));
        }
        return Optional.of(text);
    }

    private static List<String> strings(String name, Object value) throws MalformedCredentialException {
        if (!(value instanceof List<?> elements)) {
            throw malformed(name + (value == null ? " is null" : " is not an array"));
        }
        List<String> values = new ArrayList<>(elements.size());
        for (Object element : elements) {
            if (!(element instanceof String text)) {
                throw malformed(name + " holds a non-string");
            }
            values.add(text);
        }
        return values;
    }

    private static Optional<Long> numericDate(String name, Object value) throws MalformedCredentialException {
        if (!(value instanceof Integer || value instanceof Long)
                || ((Number) value).longValue() < 0 || ((Number) value).longValue() > MAX_NUMERIC_DATE) {
            throw malformed(name + " is not a NumericDate in range");
        }
        return Optional.of(((Number) value).longValue());
    }

    private static MalformedCredentialException malformed(String detail) {
        return new MalformedCredentialException(Refusal.MALFORMED_CLAIMS, detail);
    }
}
