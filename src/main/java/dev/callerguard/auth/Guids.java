package dev.callerguard.auth;

import java.util.Locale;
import java.util.Optional;

/** GUID handling: Entra object, tenant and client ids are compared case-insensitively in canonical form. */
final class Guids {
    private static final int LENGTH = 36;
    private static final byte DIGIT = 1;
    private static final byte UPPER = 2;
    private static final byte HYPHEN = 4;
    /** What each ASCII character may stand for in a GUID: a digit or lower-case hex, upper-case hex, a hyphen. */
    private static final byte[] KINDS = new byte[128];
    /** What each position of the 8-4-4-4-12 form accepts. */
    private static final byte[] EXPECTED = new byte[LENGTH];

    static {
        for (char c : "0123456789abcdef".toCharArray()) {
            KINDS[c] = DIGIT;
        }
        for (char c : "ABCDEF".toCharArray()) {
            KINDS[c] = UPPER;
        }
        KINDS['-'] = HYPHEN;
        for (int i = 0; i < LENGTH; i++) {
            boolean hyphen = i == 8 || i == 13 || i == 18 || i == 23;
            EXPECTED[i] = hyphen ? HYPHEN : DIGIT | UPPER;
        }
    }

    private Guids() {
    }

    /** The lower-case canonical form, or empty when the text is not a GUID in 8-4-4-4-12 form. */
    static Optional<String> canonical(String text) {
        int kinds = kinds(text);
        if (kinds < 0) {
            return Optional.empty();
        }
        return Optional.of((kinds & UPPER) == 0 ? text : text.toLowerCase(Locale.ROOT));
    }

    /** Whether the text is 32 hex digits grouped 8-4-4-4-12 by hyphens. */
    static boolean isGuid(String text) {
        return kinds(text) >= 0;
    }

    /**
     * The kinds of character seen in a GUID, or -1 when the text is not one. One pass by hand with a table: this
     * runs several times per request.
     */
    private static int kinds(String text) {
        if (text == null || text.length() != LENGTH) {
            return -1;
        }
        int seen = 0;
        for (int i = 0; i < LENGTH; i++) {
            char c = text.charAt(i);
            int kind = c < KINDS.length ? KINDS[c] : 0;
            if ((kind & EXPECTED[i]) == 0) {
                return -1;
            }
            seen |= kind;
        }
        return seen;
    }
}
