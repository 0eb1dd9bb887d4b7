package dev.callerguard.auth;

/**
 * Verifies a bearer token: strict structure, JSON claims of the right types, then the RS256 signature against
 * the tenant's keys. The claim rules ({@link ClaimRules}) run afterwards. Thread-safe; build one per process.
 */
final class BearerTokenVerifier {

    /** A verified token's claims, or the refusal. */
    record Result(CallerClaims claims, Refusal refusal) {
        static Result refused(Refusal refusal) {
            return new Result(null, refusal);
        }
    }

    private final JwsSignatureVerifier signatures;

    BearerTokenVerifier(SigningKeys keys) {
        this.signatures = new JwsSignatureVerifier(keys);
    }

    Result verify(String token) {
        CompactJws jws;
        CallerClaims claims;
        try {
            jws = CompactJws.parse(token);
            Refusal headerRefusal = JwsSignatureVerifier.checkHeader(jws.header());
            if (headerRefusal != null) {
                return Result.refused(headerRefusal);
            }
            claims = TokenClaimsReader.read(jws.claims());
        } catch (MalformedCredentialException e) {
            return Result.refused(e.refusal());
        }
        Refusal signatureRefusal = signatures.verify(jws);
        return signatureRefusal == null ? new Result(claims, null) : Result.refused(signatureRefusal);
    }
}
