package dev.callerguard.auth;

import java.util.Base64;

/**
 * Strict base64url (RFC 7515 section 2): the URL-safe alphabet only, no padding, no line breaks, and a
 * canonical last character (unused bits zero), so that one byte string has exactly one encoding.
 */
final class Base64Url {
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {
    }

    /** Decodes {@code text[from, to)}, or returns {@code null} when it is not strict base64url. */
    static byte[] decode(String text, int from, int to) {
        int length = to - from;
        if (length % 4 == 1) {
            return null;
        }
        for (int i = from; i < to; i++) {
            if (value(text.charAt(i)) < 0) {
                return null;
            }
        }
        if (length > 0) {
            int last = value(text.charAt(to - 1));
            if ((length % 4 == 2 && (last & 0x0F) != 0) || (length % 4 == 3 && (last & 0x03) != 0)) {
                return null;
            }
        }
        return DECODER.decode(text.substring(from, to));
    }

    private static int value(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        if (c == '-') {
            return 62;
        }
        if (c == '_') {
            return 63;
        }
        return -1;
    }
}
