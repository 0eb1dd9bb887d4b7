package dev.callerguard.auth;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code Authorization} header as RFC 6750 section 2.1 defines it: the {@code Bearer} scheme (any case),
 * one or more spaces, exactly one {@code b64token}. Another scheme counts as no bearer credentials.
 */
final class BearerAuthorization {
    /** Longest header accepted; larger ones are refused before any decoding. */
    static final int MAX_HEADER_LENGTH = 16 * 1024;

    private static final Pattern BEARER = Pattern.compile("[Bb][Ee][Aa][Rr][Ee][Rr] +([A-Za-z0-9\\-._~+/]+=*)");

    /** What the header holds. */
    enum Kind { ABSENT, TOKEN, MALFORMED, TOO_LARGE }

    record Result(Kind kind, String token) {
    }

    private static final Result ABSENT = new Result(Kind.ABSENT, null);
    private static final Result MALFORMED = new Result(Kind.MALFORMED, null);
    private static final Result TOO_LARGE = new Result(Kind.TOO_LARGE, null);

    private BearerAuthorization() {
    }

    static Result read(String header) {
        if (header == null || header.isBlank()) {
            return ABSENT;
        }
        if (header.length() > MAX_HEADER_LENGTH) {
            return TOO_LARGE;
        }
        String value = header.strip();
        if (!startsWithBearerScheme(value)) {
            return ABSENT;
        }
        Matcher matcher = BEARER.matcher(value);
        return matcher.matches() ? new Result(Kind.TOKEN, matcher.group(1)) : MALFORMED;
    }

    private static boolean startsWithBearerScheme(String value) {
        return value.length() >= 6 && value.substring(0, 6).toLowerCase(Locale.ROOT).equals("bearer")
                && (value.length() == 6 || value.charAt(6) == ' ' || value.charAt(6) == '\t');
    }
}
