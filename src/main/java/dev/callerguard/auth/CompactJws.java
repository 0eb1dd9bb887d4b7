package dev.callerguard.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JWS in compact serialization (RFC 7515 section 7.1), split and decoded strictly but not yet trusted:
 * exactly three base64url segments, a JSON object header and a JSON object payload.
 *
 * @param token     the compact serialization as received
 * @param header    the protected header
 * @param payload   the claims
 * @param signature the signature bytes
 */
record CompactJws(String token, ObjectNode header, ObjectNode payload, byte[] signature) {

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
        byte[] payloadBytes = Base64Url.decode(token, first + 1, second);
        byte[] signature = Base64Url.decode(token, second + 1, token.length());
        if (headerBytes == null || payloadBytes == null || signature == null) {
            throw malformed("not base64url");
        }
        ObjectNode header = StrictJson.object(headerBytes, Refusal.MALFORMED_TOKEN);
        ObjectNode payload = StrictJson.object(payloadBytes, Refusal.MALFORMED_TOKEN);
        return new CompactJws(token, header, payload, signature);
    }

    private static MalformedCredentialException malformed(String detail) {
        return new MalformedCredentialException(Refusal.MALFORMED_TOKEN, detail);
    }
}
