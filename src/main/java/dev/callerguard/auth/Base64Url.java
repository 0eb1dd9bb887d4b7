package dev.callerguard.auth;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * Strict base64url (RFC 7515 section 2): the URL-safe alphabet only, no padding, no line breaks, and a
 * canonical last character (unused bits zero), so that one byte string has exactly one encoding. The decoding
 * itself is the JDK's URL-safe decoder, which refuses every character outside the alphabet; the two rules it
 * does not enforce (no padding, canonical last character) are checked here first.
 */
final class Base64Url {
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {
    }

    /**
     * Decodes the characters {@code ascii[from, to)}, or returns {@code null} when they are not strict base64url
     * (or the range is not within the array). Bytes outside ASCII are refused like any other character outside the
     * alphabet.
     */
    static byte[] decode(byte[] ascii, int from, int to) {
        if (from < 0 || from > to || to > ascii.length) {
            return null;
        }
        int length = to - from;
        if (length == 0) {
            return new byte[0];
        }
        // The JDK decoder refuses an '=' followed by anything, so a last character of the alphabet rules out
        // padding anywhere; its unused low bits must be zero.
        int last = value(ascii[to - 1]);
        int unusedBits = switch (length % 4) {
            case 0 -> 0;
            case 2 -> 0x0F;
            case 3 -> 0x03;
            default -> -1;
        };
        if (last < 0 || unusedBits < 0 || (last & unusedBits) != 0) {
            return null;
        }
        ByteBuffer decoded;
        try {
            decoded = DECODER.decode(ByteBuffer.wrap(ascii, from, length));
        } catch (IllegalArgumentException e) {
            return null;
        }
        byte[] bytes = decoded.array();
        return decoded.arrayOffset() == 0 && decoded.remaining() == bytes.length
                ? bytes : Arrays.copyOfRange(bytes, decoded.arrayOffset(), decoded.arrayOffset() + decoded.limit());
    }

    /** The 6-bit value of each ASCII character of the URL-safe alphabet; -1 for every other byte. */
    private static final int[] VALUES = new int[256];

    static {
        Arrays.fill(VALUES, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = i;
        }
    }

    private static int value(byte b) {
        return VALUES[b & 0xFF];
    }
}
