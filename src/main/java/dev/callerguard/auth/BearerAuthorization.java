package dev.callerguard.auth;

/**
 * Reads the {@code Authorization} header as RFC 6750 section 2.1 defines it: the {@code Bearer} scheme (any case),
 * one or more spaces, exactly one {@code b64token} ({@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" )
 * *"="}). Another scheme counts as no bearer credentials. Scanned by hand, without a regex: this runs on every
 * request and a token is 1-3 KB.
 */
final class BearerAuthorization {
    /** Longest header accepted; larger ones are refused before any decoding. */
    static final int MAX_HEADER_LENGTH = 16 * 1024;

    private static final String SCHEME = "bearer";

    /** What the header holds. */
    enum Kind { ABSENT, TOKEN, MALFORMED, TOO_LARGE }

    /**
     * What the header holds; for {@link Kind#TOKEN}, the credential is {@code value[start, value.length())}, so
     * that a 1-3 KB token is not copied out unless someone needs it as a string.
     */
    record Result(Kind kind, String value, int start) {
        Result(Kind kind, String token) {
            this(kind, token, 0);
        }

        /** The credential, or {@code null} when the header holds none. */
        String token() {
            return value == null ? null : value.substring(start);
        }
    }

    private static final Result ABSENT = new Result(Kind.ABSENT, null);
    private static final Result MALFORMED = new Result(Kind.MALFORMED, null);
    private static final Result TOO_LARGE = new Result(Kind.TOO_LARGE, null);

    private BearerAuthorization() {
    }

    /**
     * Reads the header's structure, leaving the credential's characters unchecked: a {@link Kind#TOKEN} here is
     * a b64token only if {@link #isB64Token} says so; when it does not, the header is malformed (the caller's
     * decision, made only when the token does not parse). The check uses this because a token that parses as a JWS
     * holds base64url characters and dots alone, all b64token characters, so the scan is needed only when it
     * does not parse.
     */
    static Result locate(String header) {
        if (header == null || header.isBlank()) {
            return ABSENT;
        }
        if (header.length() > MAX_HEADER_LENGTH) {
            return TOO_LARGE;
        }
        String value = header.strip();
        int length = value.length();
        if (length < SCHEME.length() || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || (length > SCHEME.length() && value.charAt(SCHEME.length()) != ' '
                        && value.charAt(SCHEME.length()) != '\t')) {
            return ABSENT;
        }
        int start = SCHEME.length();
        if (start == length || value.charAt(start) != ' ') {
            return MALFORMED;
        }
        while (start < length && value.charAt(start) == ' ') {
            start++;
        }
        return new Result(Kind.TOKEN, value, start);
    }

    /** Whether {@code credential} is one {@code b64token}: token characters, then nothing but {@code =}. */
    static boolean isB64Token(String credential) {
        int length = credential.length();
        int end = 0;
        while (end < length && isTokenChar(credential.charAt(end))) {
            end++;
        }
        int padding = end;
        while (padding < length && credential.charAt(padding) == '=') {
            padding++;
        }
        return end > 0 && padding == length;
    }

    /** The {@code b64token} characters other than the trailing {@code =}, as a table indexed by ASCII code. */
    private static final boolean[] TOKEN_CHARS = new boolean[128];

    static {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";
        for (int i = 0; i < chars.length(); i++) {
            TOKEN_CHARS[chars.charAt(i)] = true;
        }
    }

    private static boolean isTokenChar(char c) {
        return c < 128 && TOKEN_CHARS[c];
    }
}
