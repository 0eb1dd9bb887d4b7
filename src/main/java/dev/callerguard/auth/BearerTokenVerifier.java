package dev.callerguard.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Verifies a bearer token's structure, header and RS256 signature against the tenant's keys and reads its
 * claims. The claim rules ({@link ClaimRules}) run afterwards. Thread-safe; build one per process.
 */
final class BearerTokenVerifier {
    static final String ALGORITHM = "RS256";
    static final int MAX_KID_LENGTH = 256;

    /** A verified token's claims, or the refusal. */
    record Result(CallerClaims claims, Refusal refusal) {
        static Result refused(Refusal refusal) {
            return new Result(null, refusal);
        }
    }

    private final SigningKeys keys;

    BearerTokenVerifier(SigningKeys keys) {
        this.keys = keys;
    }

    Result verify(String token) {
        CompactJws jws;
        CallerClaims claims;
        try {
            jws = CompactJws.parse(token);
            Refusal headerRefusal = checkHeader(jws.header());
            if (headerRefusal != null) {
                return Result.refused(headerRefusal);
            }
            claims = TokenClaimsReader.read(jws.payload());
        } catch (MalformedCredentialException e) {
            return Result.refused(e.refusal());
        }
        String kid = jws.header().get("kid").textValue();
        KeyLookup lookup = keys.find(kid);
        if (lookup instanceof KeyLookup.Unavailable) {
            return Result.refused(Refusal.KEYS_UNAVAILABLE);
        }
        if (!(lookup instanceof KeyLookup.Found found)) {
            return Result.refused(Refusal.UNKNOWN_KEY);
        }
        try {
            found.rs256().verify(JWT.decode(token));
        } catch (JWTVerificationException | IllegalArgumentException e) {
            return Result.refused(Refusal.SIGNATURE);
        }
        return new Result(claims, null);
    }

    /** RS256 only (RFC 8725 section 3.1), a usable {@code kid}, no {@code crit} and no nested token. */
    private static Refusal checkHeader(ObjectNode header) {
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual() || !ALGORITHM.equals(alg.textValue())) {
            return Refusal.ALGORITHM;
        }
        if (header.has("crit")) {
            return Refusal.CRITICAL_HEADER;
        }
        if (header.has("cty")) {
            return Refusal.NESTED_TOKEN;
        }
        JsonNode kid = header.get("kid");
        if (kid == null || !kid.isTextual() || kid.textValue().isEmpty() || kid.textValue().length() > MAX_KID_LENGTH) {
            return Refusal.KEY_ID;
        }
        return null;
    }
}
