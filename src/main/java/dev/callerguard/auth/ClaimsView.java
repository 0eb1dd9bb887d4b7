package dev.callerguard.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/**
 * A token's claims as an unmodifiable map, converted from the parsed JSON only when someone reads them (a
 * function that wants more than the checked claims), so the check itself never pays for the conversion.
 * Claims whose value is JSON null are left out. Thread-safe.
 */
final class ClaimsView extends AbstractMap<String, Object> {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final ObjectNode payload;
    private volatile Map<String, Object> converted;

    ClaimsView(ObjectNode payload) {
        this.payload = payload;
    }

    /** Unmodifiable maps pass as they are; others are copied. */
    static Map<String, Object> immutable(Map<String, Object> claims) {
        return claims instanceof ClaimsView ? claims : Map.copyOf(claims);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        Map<String, Object> map = converted;
        if (map == null) {
            ObjectNode present = payload.deepCopy();
            present.properties().removeIf(claim -> claim.getValue().isNull());
            map = Map.copyOf(StrictJson.MAPPER.convertValue(present, MAP));
            converted = map;
        }
        return map.entrySet();
    }
}
