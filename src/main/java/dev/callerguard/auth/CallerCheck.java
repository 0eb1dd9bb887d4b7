package dev.callerguard.auth;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The caller check: decides from a request's headers whether the caller may call. It accepts a bearer token it
 * verifies itself or, when the platform proves Easy Auth ran, the {@code X-MS-CLIENT-PRINCIPAL} header; then it
 * applies the {@link CallerPolicy}. Immutable and thread-safe; build once per function.
 */
public final class CallerCheck {
    public static final String AUTHORIZATION = "authorization";
    public static final String CLIENT_PRINCIPAL = "x-ms-client-principal";

    static final String UNTRUSTED_PRINCIPAL_WARNING = "X-MS-CLIENT-PRINCIPAL header ignored: Easy Auth is not proven "
            + "to run here (WEBSITE_AUTH_ENABLED is not 'true' or CALLERGUARD_EASY_AUTH is 'off')";

    private final GuardSettings settings;
    private final SigningKeys keys;
    private final BearerTokenVerifier verifier;
    private final VerifiedTokenCache tokens;
    private final Clock clock;
    private final CallerPolicy policy;
    private final ClaimRules bearerRules;
    private final ClaimRules principalRules;

    /** The check with the app-wide policy and a validated-token cache. */
    public CallerCheck(GuardSettings settings, SigningKeys keys, Clock clock) {
        this(settings, keys, new BearerTokenVerifier(keys), new VerifiedTokenCache(clock,
                VerifiedTokenCache.MAX_ENTRIES), clock, settings.policy());
    }

    private CallerCheck(GuardSettings settings, SigningKeys keys, BearerTokenVerifier verifier,
                        VerifiedTokenCache tokens, Clock clock, CallerPolicy policy) {
        this.settings = settings;
        this.keys = keys;
        this.verifier = verifier;
        this.tokens = tokens;
        this.clock = clock;
        this.policy = policy;
        this.bearerRules = ClaimRules.forBearer(settings, policy, clock);
        this.principalRules = ClaimRules.forPrincipal(settings, policy);
    }

    /** The same check under another policy (a function's own, narrower requirement); keys and cache are shared. */
    public CallerCheck withPolicy(CallerPolicy narrower) {
        return new CallerCheck(settings, keys, verifier, tokens, clock, narrower);
    }

    /** The same check verifying every token in full, without the validated-token cache (benchmarks). */
    public CallerCheck uncached() {
        return new CallerCheck(settings, keys, verifier, null, clock, policy);
    }

    public CallerPolicy policy() {
        return policy;
    }

    public Decision decide(RequestHeaders headers) {
        List<String> warnings = new ArrayList<>(1);
        String principalHeader = headers.get(CLIENT_PRINCIPAL);
        boolean trusted = settings.trustsPrincipalHeader();
        if (principalHeader != null && !trusted) {
            warnings.add(UNTRUSTED_PRINCIPAL_WARNING);
        }
        if (settings.easyAuthMode() == EasyAuthMode.REQUIRED && principalHeader == null) {
            return refused(Refusal.EASY_AUTH_REQUIRED, warnings);
        }

        String authorization = headers.get(AUTHORIZATION);
        long keyGeneration = keys.generation();
        VerifiedTokenCache.Hit hit = tokens == null ? null : tokens.lookup(authorization, keyGeneration);
        BearerAuthorization.Result bearer = hit != null
                ? new BearerAuthorization.Result(BearerAuthorization.Kind.TOKEN, hit.token())
                : BearerAuthorization.locate(authorization);
        switch (bearer.kind()) {
            case MALFORMED:
                return refused(Refusal.MALFORMED_AUTHORIZATION, warnings);
            case TOO_LARGE:
                return refused(Refusal.AUTHORIZATION_TOO_LARGE, warnings);
            default:
                break;
        }
        // A new token is split and decoded now; only when that fails are its characters scanned, to tell a header
        // that is not RFC 6750 (400) from a b64token that is not a JWS (401, reported after the principal is read).
        CompactJws jws = null;
        Refusal malformedToken = null;
        if (bearer.kind() == BearerAuthorization.Kind.TOKEN && hit == null) {
            try {
                jws = CompactJws.parse(bearer.value(), bearer.start());
            } catch (MalformedCredentialException e) {
                if (!BearerAuthorization.isB64Token(bearer.token())) {
                    return refused(Refusal.MALFORMED_AUTHORIZATION, warnings);
                }
                malformedToken = e.refusal();
            }
        }

        CallerClaims principal = null;
        if (trusted && principalHeader != null) {
            try {
                principal = EasyAuthPrincipalParser.parse(principalHeader);
            } catch (MalformedCredentialException e) {
                return refused(e.refusal(), warnings);
            }
        }

        if (malformedToken != null) {
            return refused(malformedToken, warnings);
        }
        if (bearer.kind() == BearerAuthorization.Kind.TOKEN) {
            return decideBearer(bearer, jws, hit, keyGeneration, principal, warnings);
        }
        if (principal != null) {
            return decide(principal, principalRules, CallerSource.EASY_AUTH, null, warnings, null);
        }
        return refused(Refusal.NO_CREDENTIALS, warnings);
    }

    /** A token seen before and still cached skips parsing and signature; the rules run on every request. */
    private Decision decideBearer(BearerAuthorization.Result bearer, CompactJws jws, VerifiedTokenCache.Hit hit,
                                  long keyGeneration, CallerClaims principal, List<String> warnings) {
        boolean cached = hit != null;
        CallerClaims claims = cached ? hit.claims() : null;
        if (!cached) {
            BearerTokenVerifier.Result verified = verifier.verify(jws);
            if (verified.refusal() != null) {
                return refused(verified.refusal(), warnings);
            }
            claims = verified.claims();
        }
        Decision decision = decide(claims, bearerRules, CallerSource.BEARER, principal, warnings,
                cached ? hit.caller() : null);
        if (!cached && tokens != null && decision instanceof Decision.Allowed allowed) {
            tokens.put(bearer.token(), claims, allowed.caller(), keyGeneration);
        }
        return decision;
    }

    private static Decision decide(CallerClaims claims, ClaimRules rules, CallerSource source,
                                   CallerClaims principal, List<String> warnings, VerifiedCaller known) {
        Optional<Refusal> refusal = rules.check(claims);
        Optional<String> oid = claims.objectId().flatMap(Guids::canonical);
        if (refusal.isPresent()) {
            return new Decision.Refused(refusal.get(), oid, claims.appId(), warnings);
        }
        if (principal != null && !principal.objectId().flatMap(Guids::canonical).equals(oid)) {
            return new Decision.Refused(Refusal.CALLER_MISMATCH, oid, claims.appId(), warnings);
        }
        return new Decision.Allowed(known != null ? known : VerifiedCaller.from(claims, source), warnings);
    }

    private static Decision refused(Refusal refusal, List<String> warnings) {
        return new Decision.Refused(refusal, Optional.empty(), Optional.empty(), warnings);
    }
}
