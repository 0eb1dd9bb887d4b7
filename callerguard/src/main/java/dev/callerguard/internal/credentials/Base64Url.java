package dev.callerguard.internal.credentials;

import java.util.Base64;

/**
 * Strict base64url (RFC 7515 section 2): the URL-safe alphabet only, no padding, no line breaks, and a
 * canonical last character (unused bits zero), so that one byte string has exactly one encoding. The decoding
 * itself is the JDK's URL-safe decoder, which refuses every character outside the alphabet; the two rules it
 * does not enforce (no padding, canonical last character) are checked here first.
 */
public final class Base64Url {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {
    }

    /** Decodes {@code text}, or returns {@code null} when it is not strict base64url. */
    public static byte[] decode(String text) {
        int length = text.length();
        if (length == 0) {
            return new byte[0];
        }
        // The bits of the last character that carry no data: none for a full group of four, four when the last
        // group has two characters (one byte), two when it has three (two bytes); one character alone is no group.
        int unusedBits = switch (length % 4) {
            case 0 -> 0;
            case 2 -> 0x0F;
            case 3 -> 0x03;
            default -> -1;
        };
        int last = ALPHABET.indexOf(text.charAt(length - 1));
        if (unusedBits < 0 || last < 0 || (last & unusedBits) != 0 || text.indexOf('=') >= 0) {
            return null;
        }
        try {
            return DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
