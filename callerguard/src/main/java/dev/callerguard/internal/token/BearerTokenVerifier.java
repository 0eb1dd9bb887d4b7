package dev.callerguard.internal.token;

import dev.callerguard.internal.credentials.MalformedCredentialException;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.keys.KeyLookup;
import dev.callerguard.internal.keys.SigningKeys;
import dev.callerguard.internal.rules.CallerClaims;
import dev.callerguard.internal.rules.ClaimRules;

/**
 * Verifies a bearer token: strict structure and header, the RS256 signature against the tenant's keys, and only
 * then its JSON claims, so that nothing an unverified sender wrote into the payload is read. The claim rules
 * ({@link ClaimRules}) run afterwards. Thread-safe; build one per process.
 */
public final class BearerTokenVerifier {

    /** A verified token's claims and the key that verified it, or the refusal. */
    public record Result(CallerClaims claims, KeyLookup.Found key, Refusal refusal) {
        static Result refused(Refusal refusal) {
            return new Result(null, null, refusal);
        }
    }

    private final JwsSignatureVerifier signatures;

    public BearerTokenVerifier(SigningKeys keys, Rs256Signature rs256) {
        this.signatures = new JwsSignatureVerifier(keys, rs256);
    }

    /** Splits and decodes the token (401 when it is not a JWS), then verifies it. */
    public Result verify(String token) {
        try {
            return verify(CompactJws.parse(token));
        } catch (MalformedCredentialException e) {
            return Result.refused(e.refusal());
        }
    }

    /** Verifies a token already split and decoded. */
    public Result verify(CompactJws jws) {
        JwsSignatureVerifier.Result signature = signatures.verify(jws);
        if (signature.refusal() != null) {
            return Result.refused(signature.refusal());
        }
        try {
            return new Result(TokenClaimsReader.read(jws.payload()), signature.key(), null);
        } catch (MalformedCredentialException e) {
            return Result.refused(e.refusal());
        }
    }
}
