package dev.callerguard.internal.token;

import dev.callerguard.internal.credentials.Base64Url;
import dev.callerguard.internal.credentials.MalformedCredentialException;
import dev.callerguard.internal.credentials.StrictJson;
import dev.callerguard.internal.decision.Refusal;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A JWS in compact serialization (RFC 7515 section 7.1), split and decoded strictly but not yet trusted: exactly
 * three base64url segments and a JSON object header. The payload stays bytes: the signature layer does not
 * care what it holds.
 *
 * @param signingInput the ASCII bytes of {@code header.payload}, what the signature covers
 * @param header       the protected header
 * @param payload      the payload bytes
 * @param signature    the signature bytes
 */
public record CompactJws(byte[] signingInput, Map<String, Object> header, byte[] payload, byte[] signature) {

    /** Longest token accepted; Entra access tokens are 1-3 KB. */
    static final int MAX_LENGTH = 16 * 1024;

    public static CompactJws parse(String token) throws MalformedCredentialException {
        if (token.length() > MAX_LENGTH) {
            throw malformed("too long");
        }
        String[] segments = token.split("\\.", -1);
        if (segments.length != 3) {
            throw malformed("not three segments");
        }
        byte[] headerJson = Base64Url.decode(segments[0]);
        byte[] payload = Base64Url.decode(segments[1]);
        byte[] signature = Base64Url.decode(segments[2]);
        if (headerJson == null || payload == null || signature == null) {
            throw malformed("not base64url");
        }
        Map<String, Object> header = StrictJson.object(headerJson, Refusal.MALFORMED_TOKEN);
        // Both segments decoded as base64url, so they are ASCII, which ISO-8859-1 encodes byte for byte: a copy,
        // where the US-ASCII encoder would check each of the thousand bytes again.
        byte[] signingInput = (segments[0] + "." + segments[1]).getBytes(StandardCharsets.ISO_8859_1);
        return new CompactJws(signingInput, header, payload, signature);
    }

    private static MalformedCredentialException malformed(String detail) {
        return new MalformedCredentialException(Refusal.MALFORMED_TOKEN, detail);
    }
}
