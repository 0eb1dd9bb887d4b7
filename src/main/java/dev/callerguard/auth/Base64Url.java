package dev.callerguard.auth;

import java.util.Arrays;

/**
 * Strict base64url (RFC 7515 section 2): the URL-safe alphabet only, no padding, no line breaks, and a
 * canonical last character (unused bits zero), so that one byte string has exactly one encoding.
 */
final class Base64Url {
    private Base64Url() {
    }

    /** Decodes {@code text[from, to)}, or returns {@code null} when it is not strict base64url. */
    static byte[] decode(String text, int from, int to) {
        int length = to - from;
        if (length % 4 == 1) {
            return null;
        }
        byte[] out = new byte[length * 3 / 4];
        int accumulated = 0;
        int bits = 0;
        int written = 0;
        for (int i = from; i < to; i++) {
            int value = value(text.charAt(i));
            if (value < 0) {
                return null;
            }
            accumulated = (accumulated << 6) | value;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[written++] = (byte) (accumulated >> bits);
                accumulated &= (1 << bits) - 1;
            }
        }
        // The bits left over after the last whole byte must be zero: one byte string, one encoding.
        return accumulated == 0 ? out : null;
    }

    /** The 6-bit value of each ASCII character of the URL-safe alphabet; -1 for every other character. */
    private static final int[] VALUES = new int[128];

    static {
        Arrays.fill(VALUES, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = i;
        }
    }

    private static int value(char c) {
        return c < 128 ? VALUES[c] : -1;
    }
}
