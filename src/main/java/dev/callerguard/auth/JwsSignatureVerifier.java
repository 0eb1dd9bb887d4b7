package dev.callerguard.auth;

import java.util.Map;

/**
 * The signature layer: accepts a JWS only if its header asks for RS256 with a {@code kid} of the tenant's key set
 * and the signature verifies with that key. Header parameters that would let the token choose its own key
 * ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}) are never read. Thread-safe.
 */
final class JwsSignatureVerifier {
    static final String ALGORITHM = "RS256";
    static final int MAX_KID_LENGTH = 256;

    private final SigningKeys keys;

    JwsSignatureVerifier(SigningKeys keys) {
        this.keys = keys;
    }

    /** {@code null} when the signature is good, else the refusal. */
    Refusal verify(CompactJws jws) {
        Refusal headerRefusal = checkHeader(jws.header());
        if (headerRefusal != null) {
            return headerRefusal;
        }
        KeyLookup lookup = keys.find((String) jws.header().get("kid"));
        if (lookup instanceof KeyLookup.Unavailable) {
            return Refusal.KEYS_UNAVAILABLE;
        }
        if (!(lookup instanceof KeyLookup.Found found)) {
            return Refusal.UNKNOWN_KEY;
        }
        return Rs256Signature.verify(found.key(), jws.ascii(), jws.start(), jws.signingInputEnd(), jws.signature())
                ? null : Refusal.SIGNATURE;
    }

    /** RS256 only (RFC 8725 section 3.1), a usable {@code kid}, no {@code crit} and no nested token. */
    static Refusal checkHeader(Map<String, Object> header) {
        if (!ALGORITHM.equals(header.get("alg"))) {
            return Refusal.ALGORITHM;
        }
        if (header.containsKey("crit")) {
            return Refusal.CRITICAL_HEADER;
        }
        if (header.containsKey("cty")) {
            return Refusal.NESTED_TOKEN;
        }
        if (!(header.get("kid") instanceof String kid) || kid.isEmpty() || kid.length() > MAX_KID_LENGTH) {
            return Refusal.KEY_ID;
        }
        return null;
    }
}
