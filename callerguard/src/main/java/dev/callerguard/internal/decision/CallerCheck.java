package dev.callerguard.internal.decision;

import dev.callerguard.CallerSource;
import dev.callerguard.VerifiedCaller;
import dev.callerguard.internal.credentials.BearerAuthorization;
import dev.callerguard.internal.credentials.EasyAuthPrincipalParser;
import dev.callerguard.internal.credentials.MalformedCredentialException;
import dev.callerguard.internal.credentials.RequestHeaders;
import dev.callerguard.internal.keys.SigningKeys;
import dev.callerguard.internal.rules.CallerClaims;
import dev.callerguard.internal.rules.CallerPolicy;
import dev.callerguard.internal.rules.ClaimRules;
import dev.callerguard.internal.settings.EasyAuthMode;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.internal.token.BearerTokenVerifier;
import dev.callerguard.internal.token.CompactJws;
import dev.callerguard.internal.token.JwsSignatureVerifier;
import dev.callerguard.internal.token.Rs256Signature;
import dev.callerguard.internal.token.SignatureProvider;
import dev.callerguard.internal.token.TokenClaimsReader;
import dev.callerguard.internal.token.VerifiedTokenCache;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The caller check: decides from a request's headers whether the caller may call. It accepts a bearer token it
 * verifies itself or, when the platform proves Easy Auth ran, the {@code X-MS-CLIENT-PRINCIPAL} header; then it
 * applies the {@link CallerPolicy}. Immutable and thread-safe; build once per function.
 *
 * <p>{@link #decide} is the whole path, in order: credentials (the two headers) → token (structure) → signature
 * (header, key, RS256) → claims → rules (issuer, tenant, audience, lifetime, access token, caller type) → allowlist
 * (callers, apps, roles, a user's scopes) → the principal cross-check → decision.
 */
public final class CallerCheck {
    public static final String AUTHORIZATION = "authorization";
    public static final String CLIENT_PRINCIPAL = "x-ms-client-principal";

    /**
     * A made-up, unsigned token shaped like a managed identity's access token, for {@link #warmUp} only: it can
     * never pass, since nothing verifies it and it is never looked up by {@code kid}.
     */
    static final String WARM_UP_TOKEN = base64Url("{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"warm-up\"}") + "."
            + base64Url("{\"aud\":\"api://warm-up\",\"iss\":\"https://sts.windows.net/00000000-0000-0000-0000-000000000000/\","
            + "\"iat\":1767225600,\"nbf\":1767225600,\"exp\":1767229200,\"appid\":\"00000000-0000-0000-0000-000000000001\","
            + "\"appidacr\":\"2\",\"idp\":\"https://sts.windows.net/00000000-0000-0000-0000-000000000000/\","
            + "\"idtyp\":\"app\",\"oid\":\"00000000-0000-0000-0000-000000000002\",\"roles\":[\"warm-up\"],"
            + "\"sub\":\"00000000-0000-0000-0000-000000000002\",\"tid\":\"00000000-0000-0000-0000-000000000000\","
            + "\"ver\":\"1.0\",\"xms_mirid\":\"/subscriptions/warm-up\"}") + ".AA";

    public static final String UNTRUSTED_PRINCIPAL_WARNING = "X-MS-CLIENT-PRINCIPAL header ignored: Easy Auth is not proven "
            + "to run here (WEBSITE_AUTH_ENABLED is not 'true' or CALLERGUARD_EASY_AUTH is 'off')";

    private final GuardSettings settings;
    private final SigningKeys keys;
    private final SignatureProvider signatureProvider;
    private final BearerTokenVerifier verifier;
    private final VerifiedTokenCache tokens;
    private final Clock clock;
    private final CallerPolicy policy;
    private final ClaimRules bearerRules;
    private final ClaimRules principalRules;

    /** The check with the app-wide policy, a validated-token cache and the RSA provider the settings choose. */
    public CallerCheck(GuardSettings settings, SigningKeys keys, Clock clock) {
        this(settings, keys, clock, SignatureProvider.choose(settings.crypto()));
    }

    /** As {@link #CallerCheck(GuardSettings, SigningKeys, Clock)}, with the RSA provider chosen already. */
    public CallerCheck(GuardSettings settings, SigningKeys keys, Clock clock, SignatureProvider signatureProvider) {
        this(settings, keys, signatureProvider, new VerifiedTokenCache(clock, VerifiedTokenCache.MAX_ENTRIES), clock,
                settings.policy());
    }

    private CallerCheck(GuardSettings settings, SigningKeys keys, SignatureProvider signatureProvider,
                        VerifiedTokenCache tokens, Clock clock, CallerPolicy policy) {
        this.settings = settings;
        this.keys = keys;
        this.signatureProvider = signatureProvider;
        this.verifier = new BearerTokenVerifier(keys, new Rs256Signature(signatureProvider.provider()));
        this.tokens = tokens;
        this.policy = policy;
        this.bearerRules = ClaimRules.forBearer(settings, policy, clock);
        this.principalRules = ClaimRules.forPrincipal(settings, policy);
        this.clock = clock;
    }

    /**
     * The same check also requiring every given app role (a function's own requirement); keys and cache are shared.
     * Like {@link #narrowedToCallers}, it can only narrow: no method takes a policy from outside, so no code can
     * widen the one the settings give.
     */
    public CallerCheck requiringRoles(String... roles) {
        return under(policy.requiringRoles(roles));
    }

    /**
     * The same check also requiring every given scope of a delegated (user) caller (a function's own requirement);
     * application callers are judged by their roles. Keys and cache are shared.
     *
     * @throws IllegalArgumentException when a scope is not a scope value (RFC 6749 scope token)
     */
    public CallerCheck requiringScopes(String... scopes) {
        return under(policy.requiringScopes(scopes));
    }

    /**
     * The same check allowing only those of its callers that are also in {@code objectIds}; keys and cache are
     * shared.
     *
     * @throws IllegalArgumentException when that leaves nobody, or an id is not a GUID
     */
    public CallerCheck narrowedToCallers(String... objectIds) {
        return under(policy.narrowedToCallers(objectIds));
    }

    private CallerCheck under(CallerPolicy narrower) {
        return new CallerCheck(settings, keys, signatureProvider, tokens, clock, narrower);
    }

    /** The same check verifying every token in full, without the validated-token cache (benchmarks). */
    public CallerCheck uncached() {
        return new CallerCheck(settings, keys, signatureProvider, null, clock, policy);
    }

    /**
     * Runs once what a first token would otherwise load on the request path and needs no key: the token's
     * structure and JSON, the claims reader and every rule, the validated-token cache. It changes
     * nothing: the made-up {@link #WARM_UP_TOKEN} reaches neither the key set nor the signature, and nothing is
     * cached or logged. The RSA provider warmed up already when its self-test ran.
     */
    public void warmUp() {
        try {
            CompactJws jws = CompactJws.parse(WARM_UP_TOKEN);
            JwsSignatureVerifier.checkHeader(jws.header());
            bearerRules.check(TokenClaimsReader.read(jws.payload()));
            if (tokens != null) {
                tokens.get(WARM_UP_TOKEN);
            }
        } catch (MalformedCredentialException e) {
            throw new IllegalStateException("the warm-up token is malformed: " + e.refusal().id(), e);
        }
    }

    private static String base64Url(String json) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The provider whose {@code SHA256withRSA} verifies signatures. */
    public SignatureProvider signatureProvider() {
        return signatureProvider;
    }

    public CallerPolicy policy() {
        return policy;
    }

    /** Whether an allowed request is logged at INFO ({@code CALLERGUARD_LOG_ALLOWED}); else at FINE. */
    public boolean logsAllowed() {
        return settings.logAllowed();
    }

    /** Whether users (delegated credentials) may call at all: {@code CALLERGUARD_CALLER_TYPES} is {@code app,user}. */
    public boolean admitsUsers() {
        return settings.userCallers();
    }

    /**
     * The decision for one request. The order of the refusals is this method's order: the Easy Auth requirement,
     * then a malformed {@code Authorization} header (400) before a malformed principal (401), then the token, then
     * the principal alone, then no credentials at all.
     */
    public Decision decide(RequestHeaders headers) {
        List<String> warnings = new ArrayList<>(1);
        String principalHeader = headers.get(CLIENT_PRINCIPAL);
        if (principalHeader != null && !settings.trustsPrincipalHeader()) {
            warnings.add(UNTRUSTED_PRINCIPAL_WARNING);
        }
        BearerAuthorization.Result bearer = BearerAuthorization.read(headers.get(AUTHORIZATION));
        Optional<CallerSource> presented = bearer.kind() != BearerAuthorization.Kind.ABSENT
                ? Optional.of(CallerSource.BEARER)
                : principalHeader != null && settings.trustsPrincipalHeader()
                        ? Optional.of(CallerSource.EASY_AUTH) : Optional.empty();
        if (settings.easyAuthMode() == EasyAuthMode.REQUIRED && principalHeader == null) {
            return refused(Refusal.EASY_AUTH_REQUIRED, presented, warnings);
        }

        if (bearer.kind() == BearerAuthorization.Kind.MALFORMED) {
            return refused(Refusal.MALFORMED_AUTHORIZATION, presented, warnings);
        }
        if (bearer.kind() == BearerAuthorization.Kind.TOO_LARGE) {
            return refused(Refusal.AUTHORIZATION_TOO_LARGE, presented, warnings);
        }
        // A token that passed the whole check before was a JWS then; any other is split and decoded now. A JWS is a
        // b64token (its characters are base64url and dots), so only a token that is not one is scanned: 400 when it
        // is not even a b64token, else it is refused (401) with the JWS's refusal below, after the principal.
        String token = bearer.token();
        VerifiedTokenCache.Entry known = token == null ? null : verifiedBefore(token);
        CompactJws jws = null;
        Refusal notJws = null;
        if (token != null && known == null) {
            try {
                jws = CompactJws.parse(token);
            } catch (MalformedCredentialException e) {
                if (!BearerAuthorization.isB64Token(token)) {
                    return refused(Refusal.MALFORMED_AUTHORIZATION, presented, warnings);
                }
                notJws = e.refusal();
            }
        }

        CallerClaims principal = null;
        if (principalHeader != null && settings.trustsPrincipalHeader()) {
            try {
                principal = EasyAuthPrincipalParser.parse(principalHeader);
            } catch (MalformedCredentialException e) {
                return refused(e.refusal(), presented, warnings);
            }
        }

        if (notJws != null) {
            return refused(notJws, presented, warnings);
        }
        if (token != null) {
            return decideToken(token, jws, known, principal, warnings);
        }
        if (principal != null) {
            return decideClaims(principal, principalRules, CallerSource.EASY_AUTH, null, warnings, null);
        }
        return refused(Refusal.NO_CREDENTIALS, presented, warnings);
    }

    /**
     * What the check established for exactly this token when it last passed every check, while the key that
     * verified it is still current; else {@code null}, and the token is verified in full.
     */
    private VerifiedTokenCache.Entry verifiedBefore(String token) {
        VerifiedTokenCache.Entry known = tokens == null ? null : tokens.get(token);
        if (known != null && !keys.stillCurrent(known.key())) {
            tokens.forget(token);
            return null;
        }
        return known;
    }

    /**
     * Signature → claims, then the rules, for the token split into {@code jws}; for a token verified before
     * ({@code known}), the rules alone: they run on every request.
     */
    private Decision decideToken(String token, CompactJws jws, VerifiedTokenCache.Entry known,
                                 CallerClaims principal, List<String> warnings) {
        if (known != null) {
            return decideClaims(known.claims(), bearerRules, CallerSource.BEARER, principal, warnings, known.caller());
        }

        BearerTokenVerifier.Result verified = verifier.verify(jws);
        if (verified.refusal() != null) {
            return refused(verified.refusal(), Optional.of(CallerSource.BEARER), warnings);
        }
        Decision decision = decideClaims(verified.claims(), bearerRules, CallerSource.BEARER, principal, warnings,
                null);
        if (tokens != null && decision instanceof Decision.Allowed allowed) {
            tokens.put(token, new VerifiedTokenCache.Entry(verified.claims(), verified.key(), allowed.caller()));
        }
        return decision;
    }

    /**
     * Rules → allowlist → the principal cross-check: when Easy Auth also sent a principal, it must name the same
     * caller as the token.
     */
    private static Decision decideClaims(CallerClaims claims, ClaimRules rules, CallerSource source,
                                         CallerClaims principal, List<String> warnings, VerifiedCaller known) {
        Optional<Refusal> refusal = rules.check(claims);
        Optional<String> oid = claims.objectId();
        if (refusal.isPresent()) {
            return new Decision.Refused(refusal.get(), oid, claims.appId(), Optional.of(source), warnings);
        }
        if (principal != null && !principal.objectId().equals(oid)) {
            return new Decision.Refused(Refusal.CALLER_MISMATCH, oid, claims.appId(), Optional.of(source), warnings);
        }
        return new Decision.Allowed(known != null ? known : verified(claims, source), warnings);
    }

    private static Decision refused(Refusal refusal, Optional<CallerSource> presented, List<String> warnings) {
        return new Decision.Refused(refusal, Optional.empty(), Optional.empty(), presented, warnings);
    }

    /** The caller the claims name; {@link CallerClaims} holds its ids in canonical (lower-case) form. */
    private static VerifiedCaller verified(CallerClaims claims, CallerSource source) {
        return new VerifiedCaller(claims.objectId().orElseThrow(), claims.tenantId().orElseThrow(), claims.appId(),
                claims.roles(), source, claims.all());
    }
}
