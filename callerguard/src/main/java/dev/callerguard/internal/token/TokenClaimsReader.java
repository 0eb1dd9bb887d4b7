package dev.callerguard.internal.token;

import dev.callerguard.internal.credentials.MalformedCredentialException;
import dev.callerguard.internal.credentials.StrictJson;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.rules.CallerClaims;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a token payload, strict JSON ({@link StrictJson#object}), into the claims the check needs, refusing claims of
 * the wrong JSON type. The map read becomes the claims a function may read, not copied.
 */
public final class TokenClaimsReader {
    /** 9999-12-31T23:59:59Z: later NumericDates are refused as out of range. */
    public static final long MAX_NUMERIC_DATE = 253_402_300_799L;

    private TokenClaimsReader() {
    }

    /** The claims of a token payload; 401 when it is not a strict JSON object, or a claim read has the wrong type. */
    public static CallerClaims read(byte[] json) throws MalformedCredentialException {
        Map<String, Object> payload = StrictJson.object(json, Refusal.MALFORMED_TOKEN);
        Optional<String> appid = string(payload, "appid");
        Optional<String> azp = string(payload, "azp");
        if (appid.isPresent() && azp.isPresent() && !appid.equals(azp)) {
            throw malformed("appid and azp differ");
        }
        return new CallerClaims(
                string(payload, "iss"),
                string(payload, "tid"),
                stringOrStrings(payload, "aud"),
                string(payload, "oid"),
                appid.isPresent() ? appid : azp,
                strings(payload, "roles"),
                string(payload, "sub"),
                string(payload, "idtyp"),
                string(payload, "scp"),
                numericDate(payload, "exp"),
                numericDate(payload, "nbf"),
                withoutNulls(payload));
    }

    private static Optional<String> string(Map<String, Object> payload, String name)
            throws MalformedCredentialException {
        Object value = claim(payload, name);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw malformed(name + " is not a string");
        }
        return Optional.of(text);
    }

    private static List<String> strings(Map<String, Object> payload, String name) throws MalformedCredentialException {
        Object value = claim(payload, name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> elements)) {
            throw malformed(name + " is not an array");
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

    private static List<String> stringOrStrings(Map<String, Object> payload, String name)
            throws MalformedCredentialException {
        return payload.get(name) instanceof String text ? List.of(text) : strings(payload, name);
    }

    private static Optional<Long> numericDate(Map<String, Object> payload, String name)
            throws MalformedCredentialException {
        Object value = claim(payload, name);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Integer || value instanceof Long)
                || ((Number) value).longValue() < 0 || ((Number) value).longValue() > MAX_NUMERIC_DATE) {
            throw malformed(name + " is not a NumericDate in range");
        }
        return Optional.of(((Number) value).longValue());
    }

    /** The claim's value, {@code null} when absent; a claim that is JSON null has no type the check accepts. */
    private static Object claim(Map<String, Object> payload, String name) throws MalformedCredentialException {
        Object value = payload.get(name);
        if (value == null && payload.containsKey(name)) {
            throw malformed(name + " is null");
        }
        return value;
    }

    /** The claims a function may read: those whose value is JSON null are left out, as if absent. */
    private static Map<String, Object> withoutNulls(Map<String, Object> payload) {
        if (!payload.containsValue(null)) {
            return payload;
        }
        Map<String, Object> present = new LinkedHashMap<>(payload);
        present.values().removeIf(value -> value == null);
        return present;
    }

    private static MalformedCredentialException malformed(String detail) {
        return new MalformedCredentialException(Refusal.MALFORMED_CLAIMS, detail);
    }
}
