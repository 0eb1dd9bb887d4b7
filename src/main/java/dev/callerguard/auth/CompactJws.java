package dev.callerguard.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JWS in compact serialization (RFC 7515 section 7.1), split and decoded strictly but not yet trusted: exactly
 * three base64url segments and a JSON object header. The payload stays bytes: the signature layer does not
 * care what it holds.
 *
 * @param token            the compact serialization as received
 * @param header           the protected header
 * @param payload          the payload bytes
 * @param signature        the signature bytes
 * @param signingInputEnd  where {@code header.payload} ends in {@code token}
 */
record CompactJws(String token, ObjectNode header, byte[] payload, byte[] signature, int signingInputEnd) {

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
        byte[] headerBytes = Base64Url.decode(token, 0, first);
        byte[] payload = Base64Url.decode(token, first + 1, second);
        byte[] signature = Base64Url.decode(token, second + 1, token.length());
        if (headerBytes == null || payload == null || signature == null) {
            throw malformed("not base64url");
        }
        ObjectNode header = StrictJson.object(headerBytes, Refusal.MALFORMED_TOKEN);
        return new CompactJws(token, header, payload, signature, second);
    }

    /** The payload as a JSON object (a JWT's claims set). */
    ObjectNode claims() throws MalformedCredentialException {
        return StrictJson.object(payload, Refusal.MALFORMED_TOKEN);
    }

    private static MalformedCredentialException malformed(String detail) {
        return new MalformedCredentialException(Refusal.MALFORMED_TOKEN, detail);
    }
}
