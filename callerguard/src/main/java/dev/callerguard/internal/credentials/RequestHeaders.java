package dev.callerguard.internal.credentials;

import java.util.Map;

/**
 * Access to request headers by name, case-insensitive in ASCII only (the Functions host delivers names in lower
 * case). Header names are ASCII tokens (<a href="https://www.rfc-editor.org/rfc/rfc9110#section-5.1">RFC 9110
 * §5.1</a>); Unicode case folding would let {@code x-mſ-client-principal} (U+017F) stand for
 * {@code x-ms-client-principal}, so it is never used for them.
 */
@FunctionalInterface
public interface RequestHeaders {
    /** The header's value, or {@code null}; {@code name} matches whatever the ASCII case of its letters. */
    String get(String name);

    /** Headers from a map whose keys may be in any ASCII case. */
    static RequestHeaders of(Map<String, String> headers) {
        return name -> {
            String exact = headers.get(name);
            if (exact != null) {
                return exact;
            }
            String wanted = lowerCaseName(name);
            for (Map.Entry<String, String> header : headers.entrySet()) {
                String key = header.getKey();
                if (key.length() == wanted.length() && lowerCaseName(key).equals(wanted)) {
                    return header.getValue();
                }
            }
            return null;
        };
    }

    /**
     * The header name with A–Z in lower case and every other character as it is: the one way header names are
     * compared and lower-cased, here and in the local host. Not {@link String#toLowerCase}, which maps the Kelvin
     * sign (U+212A) to {@code k} and {@code İ} (U+0130) to {@code i} plus a combining dot.
     */
    static String lowerCaseName(String name) {
        int first = 0;
        while (first < name.length() && !isAsciiUpperCase(name.charAt(first))) {
            first++;
        }
        if (first == name.length()) {
            return name;
        }
        char[] chars = name.toCharArray();
        for (int i = first; i < chars.length; i++) {
            if (isAsciiUpperCase(chars[i])) {
                chars[i] = (char) (chars[i] + ('a' - 'A'));
            }
        }
        return new String(chars);
    }

    private static boolean isAsciiUpperCase(char c) {
        return c >= 'A' && c <= 'Z';
    }
}
