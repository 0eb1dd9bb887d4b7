package dev.callerguard.auth;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A JWS in compact serialization (RFC 7515 section 7.1), split and decoded strictly but not yet trusted: exactly
 * three base64url segments and a JSON object header. The payload stays bytes: the signature layer does not
 * care what it holds.
 *
 * @param token            the compact serialization as received
 * @param ascii            its characters as bytes, for decoding and for the signature (a character above U+00FF
 *                         becomes {@code ?}, which no segment may hold)
 * @param header           the protected header
 * @param payload          the payload bytes
 * @param signature        the signature bytes
 * @param signingInputEnd  where {@code header.payload} ends in {@code token}
 */
record CompactJws(String token, byte[] ascii, Map<String, Object> header, byte[] payload, byte[] signature, int signingInputEnd) {

    /** Longest token accepted; Entra access tokens are 1-3 KB. */
    static final int MAX_LENGTH = 16 * 1024;

    static CompactJws parse(String token) throws MalformedCredentialException {
        if (token.length() > MAX_LENGTH) {
            throw malformed("too long");
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
            throw malformed("not three segments");
        }
        byte[] ascii = token.getBytes(StandardCharsets.ISO_8859_1);
        if (ascii.length != token.length()) {
            // A character beyond the BMP (a surrogate pair) became one '?': positions would no longer match.
            throw malformed("not ASCII");
        }
        byte[] headerBytes = Base64Url.decode(ascii, 0, first);
        byte[] payload = Base64Url.decode(ascii, first + 1, second);
        byte[] signature = Base64Url.decode(ascii, second + 1, ascii.length);
        if (headerBytes == null || payload == null || signature == null) {
            throw malformed("not base64url");
        }
        Map<String, Object> header = StrictJson.object(headerBytes, Refusal.MALFORMED_TOKEN);
        return new CompactJws(token, ascii, header, payload, signature, second);
    }

    /** The payload as a JSON object (a JWT's claims set). */
    Map<String, Object> claims() throws MalformedCredentialException {
        return StrictJson.object(payload, Refusal.MALFORMED_TOKEN);
    }

    private static MalformedCredentialException malformed(String detail) {
        return new MalformedCredentialException(Refusal.MALFORMED_TOKEN, detail);
    }
}
