package dev.callerguard.auth;

import java.util.Map;

/** Case-insensitive access to request headers (the Functions host delivers names in lower case). */
@FunctionalInterface
public interface RequestHeaders {
    /** The header's value, or {@code null}; {@code name} matches regardless of case. */
    String get(String name);

    /** Headers from a map whose keys may be in any case. */
    static RequestHeaders of(Map<String, String> headers) {
        return name -> {
            String exact = headers.get(name);
            if (exact != null) {
                return exact;
            }
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if (name.equalsIgnoreCase(header.getKey())) {
                    return header.getValue();
                }
            }
            return null;
        };
    }
}
