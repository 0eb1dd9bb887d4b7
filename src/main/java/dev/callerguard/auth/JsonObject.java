package dev.callerguard.auth;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/** A JSON object as {@link JsonObjectParser} reads it: an unmodifiable map that keeps the members' order. */
final class JsonObject extends AbstractMap<String, Object> {
    private final Map<String, Object> members;

    /** Takes {@code members} over; the caller must not change it afterwards. */
    JsonObject(Map<String, Object> members) {
        this.members = Collections.unmodifiableMap(members);
    }

    /** Parsed objects pass as they are; other maps are copied into an unmodifiable one. */
    static Map<String, Object> immutable(Map<String, Object> map) {
        return map instanceof JsonObject ? map : Map.copyOf(map);
    }

    @Override
    public Object get(Object name) {
        return members.get(name);
    }

    @Override
    public boolean containsKey(Object name) {
        return members.containsKey(name);
    }

    @Override
    public boolean containsValue(Object value) {
        return members.containsValue(value);
    }

    @Override
    public int size() {
        return members.size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return members.entrySet();
    }
}
