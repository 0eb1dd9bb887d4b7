package dev.callerguard.auth;

import java.util.Locale;
import java.util.Optional;

/** GUID handling: Entra object, tenant and client ids are compared case-insensitively in canonical form. */
final class Guids {
    private Guids() {
    }

    /** The lower-case canonical form, or empty when the text is not a GUID in 8-4-4-4-12 form. */
    static Optional<String> canonical(String text) {
        return isGuid(text) ? Optional.of(text.toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** Whether the text is 32 hex digits grouped 8-4-4-4-12 by hyphens (checked by hand: this runs per request). */
    static boolean isGuid(String text) {
        if (text == null || text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean hyphen = i == 8 || i == 13 || i == 18 || i == 23;
            if (hyphen ? c != '-' : Character.digit(c, 16) < 0 || c > 'f') {
                return false;
            }
        }
        return true;
    }
}
