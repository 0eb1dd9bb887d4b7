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
            if (hyphen ? c != '-' : c >= 128 || !HEX_DIGITS[c]) {
                return false;
            }
        }
        return true;
    }

    /** {@code 0-9}, {@code a-f} and {@code A-F}, as a table indexed by ASCII code. */
    private static final boolean[] HEX_DIGITS = new boolean[128];

    static {
        for (char c : "0123456789abcdefABCDEF".toCharArray()) {
            HEX_DIGITS[c] = true;
        }
    }
}
