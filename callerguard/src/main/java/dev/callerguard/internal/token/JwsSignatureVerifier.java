package dev.callerguard.internal.token;

import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.keys.KeyLookup;
import dev.callerguard.internal.keys.SigningKeys;
import java.util.Map;

/**
 * The signature layer: accepts a JWS only if its header asks for RS256 with a {@code kid} of the tenant's key set
 * and the signature verifies with that key. Header parameters that would let the token choose its own key
 * ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}) are never read. Thread-safe.
 */
public final class JwsSignatureVerifier {
    static final String ALGORITHM = "RS256";
    static final int MAX_KID_LENGTH = 256;

    private final SigningKeys keys;
    private final Rs256Signature rs256;

    public JwsSignatureVerifier(SigningKeys keys, Rs256Signature rs256) {
        this.keys = keys;
        this.rs256 = rs256;
    }

    /** What the signature layer found: the key that verified the signature, or the refusal. */
    public record Result(KeyLookup.Found key, Refusal refusal) {
        static Result refused(Refusal refusal) {
            return new Result(null, refusal);
        }
    }

    /** The key whose signature this is, or the refusal: a bad header, an unknown key, no key set, a bad signature. */
    public Result verify(CompactJws jws) {
        Refusal headerRefusal = checkHeader(jws.header());
        if (headerRefusal != null) {
            return Result.refused(headerRefusal);
        }
        KeyLookup lookup = keys.find((String) jws.header().get("kid"));
        if (lookup instanceof KeyLookup.Unavailable) {
            return Result.refused(Refusal.KEYS_UNAVAILABLE);
        }
        if (!(lookup instanceof KeyLookup.Found found)) {
            return Result.refused(Refusal.UNKNOWN_KEY);
        }
        return rs256.verify(found.key(), jws.signingInput(), jws.signature())
                ? new Result(found, null) : Result.refused(Refusal.SIGNATURE);
    }

    /** RS256 only (RFC 8725 section 3.1), a usable {@code kid}, no {@code crit} and no nested token. */
    public static Refusal checkHeader(Map<String, Object> header) {
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
