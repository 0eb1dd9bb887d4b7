package dev.callerguard.auth;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** GUID handling: Entra object, tenant and client ids are compared case-insensitively in canonical form. */
final class Guids {
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Guids() {
    }

    /** The lower-case canonical form, or empty when the text is not a GUID in 8-4-4-4-12 form. */
    static Optional<String> canonical(String text) {
        if (text == null || text.length() != 36 || !GUID.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of(text.toLowerCase(Locale.ROOT));
    }

    static boolean isGuid(String text) {
        return canonical(text).isPresent();
    }
}
