package dev.callerguard.internal.credentials;

/**
 * Reads the {@code Authorization} header as RFC 6750 section 2.1 defines it: the {@code Bearer} scheme (any case),
 * one or more spaces, exactly one {@code b64token} ({@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" )
 * *"="}). Another scheme counts as no bearer credentials. Two steps: {@link #read} finds the one credential after
 * the scheme, {@link #isB64Token} judges its characters (the check skips that scan for a token it verified
 * before, which passed it then).
 */
public final class BearerAuthorization {
    /** Longest header accepted; larger ones are refused before any other reading. */
    public static final int MAX_HEADER_LENGTH = 16 * 1024;

    private static final String SCHEME = "bearer";

    /** What the header holds. */
    public enum Kind { ABSENT, TOKEN, MALFORMED, TOO_LARGE }

    /**
     * What the header holds and, for {@link Kind#TOKEN}, the credential after the scheme and its spaces, whose
     * characters {@link #isB64Token} has yet to judge; {@code null} otherwise.
     */
    public record Result(Kind kind, String token) {
    }

    private static final Result ABSENT = new Result(Kind.ABSENT, null);
    private static final Result MALFORMED = new Result(Kind.MALFORMED, null);
    private static final Result TOO_LARGE = new Result(Kind.TOO_LARGE, null);

    private BearerAuthorization() {
    }

    public static Result read(String header) {
        if (header == null) {
            return ABSENT;
        }
        if (header.length() > MAX_HEADER_LENGTH) {
            return TOO_LARGE;
        }
        String value = trimSpacesAndTabs(header);
        // The scheme in any ASCII case (never Unicode case folding, as for header names).
        boolean bearer = value.length() >= SCHEME.length()
                && RequestHeaders.lowerCaseName(value.substring(0, SCHEME.length())).equals(SCHEME);
        if (!bearer || (value.length() > SCHEME.length() && !isWhitespace(value.charAt(SCHEME.length())))) {
            return ABSENT;
        }
        // "Bearer" alone, or followed by a tab: the scheme is ours but the credentials are not RFC 6750's.
        if (value.length() == SCHEME.length() || value.charAt(SCHEME.length()) != ' ') {
            return MALFORMED;
        }
        // Spaces only between the scheme and the credential; a space or tab inside it makes it two (or no) b64tokens.
        int start = SCHEME.length();
        while (start < value.length() && value.charAt(start) == ' ') {
            start++;
        }
        return new Result(Kind.TOKEN, value.substring(start));
    }

    /** Whether {@code credential} is one {@code b64token}: token characters, then nothing but {@code =}. */
    public static boolean isB64Token(String credential) {
        int end = 0;
        while (end < credential.length() && isTokenChar(credential.charAt(end))) {
            end++;
        }
        int padding = end;
        while (padding < credential.length() && credential.charAt(padding) == '=') {
            padding++;
        }
        return end > 0 && padding == credential.length();
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * The value without the spaces and tabs around it, the only white space HTTP allows there (RFC 9110 section
     * 5.5); not {@link String#strip}, which also drops control characters such as U+001F and Unicode spaces.
     */
    private static String trimSpacesAndTabs(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && isWhitespace(value.charAt(start))) {
            start++;
        }
        while (end > start && isWhitespace(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(start, end);
    }
}
