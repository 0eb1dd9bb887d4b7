package dev.callerguard.bench;

import dev.callerguard.CallerSource;
import dev.callerguard.VerifiedCaller;
import dev.callerguard.internal.credentials.Base64Url;
import dev.callerguard.internal.credentials.BearerAuthorization;
import dev.callerguard.internal.credentials.MalformedCredentialException;
import dev.callerguard.internal.credentials.RequestHeaders;
import dev.callerguard.internal.credentials.StrictJson;
import dev.callerguard.internal.decision.CallerCheck;
import dev.callerguard.internal.decision.Decision;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.keys.KeyLookup;
import dev.callerguard.internal.keys.SigningKeys;
import dev.callerguard.internal.rules.CallerClaims;
import dev.callerguard.internal.rules.ClaimRules;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.internal.token.CompactJws;
import dev.callerguard.internal.token.Rs256Signature;
import dev.callerguard.internal.token.TokenClaimsReader;
import dev.callerguard.local.LocalIdentities;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Where a fresh token's time goes, part by part: each benchmark runs one step of {@link CallerCheck#decide} on the
 * token of {@link TokenCheckBenchmark} (the RSA verification on the native provider among them), so that the Java
 * work around the RSA verification can be read off step by step next to the whole check ({@link #fresh}). Not in
 * the default run of {@code scripts/bench.sh}: name it, e.g. {@code scripts/bench.sh --no-openssl -f 1 -i 5 -r 2s
 * FreshTokenParts}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FreshTokenPartsBenchmark {
    private String header;
    private String token;
    private String[] segments;
    private byte[] headerJson;
    private byte[] payload;
    private CompactJws jws;
    private CallerClaims claims;
    private ClaimRules rules;
    private Rs256Signature rs256;
    private Provider nativeProvider;
    private RSAPublicKey key;
    private CallerCheck uncached;
    private RequestHeaders bearer;

    @Setup
    public void setUp() throws Exception {
        ManagedIdentityTokens tokens = new ManagedIdentityTokens(TokenCheckBenchmark.ISSUED_AT);
        key = tokens.publicKey();
        token = tokens.sign(tokens.claims(LocalIdentities.APIM, LocalIdentities.API_APP_ID_URI));
        header = "Bearer " + token;
        segments = token.split("\\.");
        headerJson = Base64Url.decode(segments[0]);
        payload = Base64Url.decode(segments[1]);
        jws = CompactJws.parse(token);
        claims = TokenClaimsReader.read(jws.payload());
        GuardSettings settings = GuardSettings.load(Map.of(
                GuardSettings.TENANT_ID, LocalIdentities.TENANT_ID,
                GuardSettings.AUDIENCES, LocalIdentities.API_APP_ID_URI + "," + LocalIdentities.API_CLIENT_ID,
                GuardSettings.ALLOWED_CALLERS, String.join(",", TokenCheckBenchmark.ALLOWED_CALLERS)));
        rules = ClaimRules.forBearer(settings, settings.policy(), TokenCheckBenchmark.CLOCK);
        nativeProvider = CryptoProviders.loadedNative();
        rs256 = new Rs256Signature(nativeProvider);
        KeyLookup found = new KeyLookup.Found(ManagedIdentityTokens.KID, key);
        SigningKeys keys = kid -> ManagedIdentityTokens.KID.equals(kid) ? found : new KeyLookup.Unknown();
        uncached = new CallerCheck(settings, keys, TokenCheckBenchmark.CLOCK).uncached();
        bearer = name -> CallerCheck.AUTHORIZATION.equals(name) ? header : null;
        if (!(uncached.decide(bearer) instanceof Decision.Allowed) || rules.check(claims).isPresent()
                || !rs256.verify(key, jws.signingInput(), jws.signature())) {
            throw new IllegalStateException("the token does not pass");
        }
    }

    /** The whole check on a fresh token (as {@link TokenCheckBenchmark#guardFresh}). */
    @Benchmark
    public Decision fresh() {
        return uncached.decide(bearer);
    }

    @Benchmark
    public String authorizationHeader() {
        return BearerAuthorization.read(header).token();
    }

    /** The token split, its segments decoded and its header read (JSON included). */
    @Benchmark
    public CompactJws splitToken() throws MalformedCredentialException {
        return CompactJws.parse(token);
    }

    @Benchmark
    public int base64Segments() {
        return Base64Url.decode(segments[0]).length + Base64Url.decode(segments[1]).length
                + Base64Url.decode(segments[2]).length;
    }

    @Benchmark
    public Map<String, Object> headerJson() throws MalformedCredentialException {
        return StrictJson.object(headerJson, Refusal.MALFORMED_TOKEN);
    }

    /** The same JSON read into a map, for comparison (the check no longer does this). */
    @Benchmark
    public Map<String, Object> claimsJson() throws MalformedCredentialException {
        return StrictJson.object(payload, Refusal.MALFORMED_TOKEN);
    }

    /** The claims read into the record the check uses (JSON included). */
    @Benchmark
    public CallerClaims readClaims() throws MalformedCredentialException {
        return TokenClaimsReader.read(jws.payload());
    }

    /** Issuer, tenant, audience, lifetime, access token, allowlist, caller type, apps, roles, scopes. */
    @Benchmark
    public Optional<Refusal> claimRules() {
        return rules.check(claims);
    }

    /** The caller an allowed request's function gets, made as the check makes it (one copy of the claims). */
    @Benchmark
    public VerifiedCaller verifiedCaller() {
        return new VerifiedCaller(claims.objectId().orElseThrow(), claims.tenantId().orElseThrow(), claims.appId(),
                claims.roles(), CallerSource.BEARER, claims.all());
    }

    /** The RSA verification on the native provider, as the check makes it ({@link Rs256Signature}). */
    @Benchmark
    public boolean rsaNative() {
        return rs256.verify(key, jws.signingInput(), jws.signature());
    }

    /** The RSA verification as {@link #rsaNative}, with a {@link Signature} made for each verification. */
    @Benchmark
    public boolean rsaNativeNewSignature() throws GeneralSecurityException {
        Signature verifier = Signature.getInstance(Rs256Signature.JCA_ALGORITHM, nativeProvider);
        verifier.initVerify(key);
        verifier.update(jws.signingInput());
        return verifier.verify(jws.signature());
    }
}
