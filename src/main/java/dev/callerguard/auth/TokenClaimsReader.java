package dev.callerguard.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the claims the check needs from a token payload, refusing claims of the wrong JSON type. */
final class TokenClaimsReader {
    /** 9999-12-31T23:59:59Z: later NumericDates are refused as out of range. */
    static final long MAX_NUMERIC_DATE = 253_402_300_799L;

    private TokenClaimsReader() {
    }

    static CallerClaims read(ObjectNode payload) throws MalformedCredentialException {
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
                numericDate(payload, "exp"),
                numericDate(payload, "nbf"),
                new ClaimsView(payload));
    }

    private static Optional<String> string(ObjectNode payload, String name) throws MalformedCredentialException {
        JsonNode node = payload.get(name);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw malformed(name + " is not a string");
        }
        return Optional.of(node.textValue());
    }

    private static List<String> strings(ObjectNode payload, String name) throws MalformedCredentialException {
        JsonNode node = payload.get(name);
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw malformed(name + " is not an array");
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw malformed(name + " holds a non-string");
            }
            values.add(element.textValue());
        }
        return values;
    }

    private static List<String> stringOrStrings(ObjectNode payload, String name) throws MalformedCredentialException {
        JsonNode node = payload.get(name);
        if (node != null && node.isTextual()) {
            return List.of(node.textValue());
        }
        return strings(payload, name);
    }

    private static Optional<Long> numericDate(ObjectNode payload, String name) throws MalformedCredentialException {
        JsonNode node = payload.get(name);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()
                || node.longValue() < 0 || node.longValue() > MAX_NUMERIC_DATE) {
            throw malformed(name + " is not a NumericDate in range");
        }
        return Optional.of(node.longValue());
    }

    private static MalformedCredentialException malformed(String detail) {
        return new MalformedCredentialException(Refusal.MALFORMED_CLAIMS, detail);
    }
}
