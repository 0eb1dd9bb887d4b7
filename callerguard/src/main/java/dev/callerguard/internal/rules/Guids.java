package dev.callerguard.internal.rules;

import java.util.Locale;
import java.util.Optional;

/** GUID handling: Entra object, tenant and client ids are compared case-insensitively in canonical form. */
public final class Guids {
    private static final int LENGTH = 36;

    private Guids() {
    }

    /**
     * The lower-case canonical form, or empty when the text is not a GUID in 8-4-4-4-12 form. A GUID already in lower
     * case, as Entra writes them, is returned as it is.
     */
    public static Optional<String> canonical(String text) {
        if (!isGuid(text)) {
            return Optional.empty();
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'F') {
                return Optional.of(text.toLowerCase(Locale.ROOT));
            }
        }
        return Optional.of(text);
    }

    /** Whether the text is 32 ASCII hex digits grouped 8-4-4-4-12 by hyphens. */
    static boolean isGuid(String text) {
        if (text == null || text.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = text.charAt(i);
            boolean hyphenPlace = i == 8 || i == 13 || i == 18 || i == 23;
            if (hyphenPlace ? c != '-' : !isHexDigit(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
