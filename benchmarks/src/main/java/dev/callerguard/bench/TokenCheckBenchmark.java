package dev.callerguard.bench;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.callerguard.internal.credentials.RequestHeaders;
import dev.callerguard.internal.decision.CallerCheck;
import dev.callerguard.internal.decision.Decision;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.keys.KeyLookup;
import dev.callerguard.internal.keys.SigningKeys;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.local.EasyAuthEmulation;
import dev.callerguard.local.LocalIdentities;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The cost of deciding one request with a realistic Entra managed identity token (v1 claims, about 1 KB, RS256
 * with RSA-2048), next to the RSA verification alone (the floors: the JDK's and the native provider's) and to two
 * JWT libraries doing the same checks, on the JDK's RSA and on the native provider's. Every benchmark sees the same
 * kind of token, key and fixed clock (one hour into the token's 24 h lifetime). Run with {@code scripts/bench.sh}.
 *
 * <p>java-jwt and Nimbus take their {@link Signature} from the JVM's default provider order, so their native runs
 * ({@link #NATIVE_FIRST_BENCHMARKS}) need a JVM in which the native provider was installed first: {@link #setUp}
 * installs it in those benchmarks' forks only, and checks in every fork that the order is the one it claims.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenCheckBenchmark {
    /** 2026-01-01T00:00:00Z: the token's iat and nbf. */
    static final long ISSUED_AT = 1_767_225_600L;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(ISSUED_AT + 3600), ZoneOffset.UTC);
    static final String JCA_ALGORITHM = "SHA256withRSA";
    /** The callers local.settings.json allows: apim, reporter, app. */
    static final Set<String> ALLOWED_CALLERS = Set.of(LocalIdentities.APIM.objectId(),
            LocalIdentities.REPORTER.objectId(), LocalIdentities.APP.objectId());
    /** These run in a JVM whose default provider order starts with the native provider; every other on the JDK's. */
    static final Set<String> NATIVE_FIRST_BENCHMARKS = Set.of("peerJavaJwtNative", "peerNimbusNative");

    private String token;
    private RSAPublicKey key;
    private byte[] signingInput;
    private byte[] signature;

    private CallerCheck cached;
    private CallerCheck uncached;
    private CallerCheck easyAuth;
    private RequestHeaders bearer;
    private RequestHeaders principal;
    private RequestHeaders badSignature;
    private RequestHeaders wrongAudience;
    private RequestHeaders notAllowed;

    private CryptoProviders.Order order;
    private Provider jdkRsa;
    private JWTVerifier javaJwt;
    private DefaultJWTProcessor<SecurityContext> nimbus;

    /** The JDK's {@link Signature} kept by each benchmark thread and reused, as CallerGuard reuses its verifiers. */
    @State(Scope.Thread)
    public static class ReusedSignature {
        Signature signature;

        /** Named explicitly, so that the JDK floor stays the JDK's in a JVM with the native provider first. */
        @Setup
        public void setUp() throws GeneralSecurityException {
            signature = Signature.getInstance(JCA_ALGORITHM, CryptoProviders.jdk());
        }
    }

    /** The native provider's {@link Signature}, kept by each benchmark thread like {@link ReusedSignature}. */
    @State(Scope.Thread)
    public static class ReusedNativeSignature {
        Signature signature;

        /** Fails when the native library did not load, rather than measure something else under its name. */
        @Setup
        public void setUp() throws GeneralSecurityException {
            signature = Signature.getInstance(JCA_ALGORITHM, CryptoProviders.loadedNative());
        }
    }

    /** Each fork runs one benchmark (JMH's default), so installing the native provider here reaches that one only. */
    @Setup
    public void setUp(BenchmarkParams params) throws Exception {
        String benchmark = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        boolean nativeFirst = NATIVE_FIRST_BENCHMARKS.contains(benchmark);
        if (nativeFirst && params.getForks() < 1) {
            throw new IllegalStateException(benchmark + " installs the native provider first in its JVM and needs its"
                    + " own fork: run it with -f 1 or more, not -f 0");
        }
        setUp(nativeFirst ? CryptoProviders.Order.NATIVE_FIRST : CryptoProviders.Order.JDK);
    }

    /** The token, keys, checks and peers, in a JVM whose provider order is then checked to be {@code order}. */
    void setUp(CryptoProviders.Order order) throws Exception {
        this.order = order;
        CryptoProviders.loadedNative();
        if (order == CryptoProviders.Order.NATIVE_FIRST) {
            CryptoProviders.installNativeFirst();
        }
        jdkRsa = CryptoProviders.jdk();
        ManagedIdentityTokens tokens = new ManagedIdentityTokens(ISSUED_AT);
        key = tokens.publicKey();
        Map<String, Object> claims = tokens.claims(LocalIdentities.APIM, LocalIdentities.API_APP_ID_URI);
        token = tokens.sign(claims);
        int lastDot = token.lastIndexOf('.');
        signingInput = token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII);
        signature = Base64.getUrlDecoder().decode(token.substring(lastDot + 1));

        KeyLookup found = new KeyLookup.Found(ManagedIdentityTokens.KID, key);
        KeyLookup unknown = new KeyLookup.Unknown();
        SigningKeys keys = kid -> ManagedIdentityTokens.KID.equals(kid) ? found : unknown;
        Map<String, String> values = new HashMap<>(Map.of(
                GuardSettings.TENANT_ID, LocalIdentities.TENANT_ID,
                GuardSettings.AUDIENCES, LocalIdentities.API_APP_ID_URI + "," + LocalIdentities.API_CLIENT_ID,
                GuardSettings.ALLOWED_CALLERS, String.join(",", ALLOWED_CALLERS)));
        cached = new CallerCheck(GuardSettings.load(values), keys, CLOCK);
        uncached = cached.uncached();
        // The guard names its provider itself (CALLERGUARD_CRYPTO=auto): it must be the native one here.
        if (cached.signatureProvider().isJdk()) {
            throw new IllegalStateException("the caller check fell back to the JDK's RSA: "
                    + cached.signatureProvider().fallback().orElse("?"));
        }
        values.put(GuardSettings.WEBSITE_AUTH_ENABLED, "true");
        easyAuth = new CallerCheck(GuardSettings.load(values), keys, CLOCK);

        bearer = headers(CallerCheck.AUTHORIZATION, "Bearer " + token);
        principal = headers(CallerCheck.CLIENT_PRINCIPAL, EasyAuthEmulation.principal(claims));
        badSignature = headers(CallerCheck.AUTHORIZATION, "Bearer " + withOneSignatureCharChanged(token));
        wrongAudience = headers(CallerCheck.AUTHORIZATION, "Bearer " + tokens.sign(
                tokens.claims(LocalIdentities.APIM, "https://management.azure.com/")));
        notAllowed = headers(CallerCheck.AUTHORIZATION, "Bearer " + tokens.sign(
                tokens.claims(LocalIdentities.INTRUDER, LocalIdentities.API_APP_ID_URI)));

        javaJwt = ((JWTVerifier.BaseVerification) JWT.require(Algorithm.RSA256(key, null))
                .withIssuer(ManagedIdentityTokens.ISSUER)
                .withAudience(LocalIdentities.API_APP_ID_URI)
                .withClaimPresence("exp")
                .acceptLeeway(60))
                .build(CLOCK);
        nimbus = new DefaultJWTProcessor<>();
        nimbus.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(
                new JWKSet(new RSAKey.Builder(key).keyID(ManagedIdentityTokens.KID).keyUse(KeyUse.SIGNATURE)
                        .build()))));
        nimbus.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(LocalIdentities.API_APP_ID_URI,
                new JWTClaimsSet.Builder().issuer(ManagedIdentityTokens.ISSUER).build(), Set.of("exp")) {
            @Override
            protected Date currentTime() {
                return Date.from(CLOCK.instant());
            }
        });

        checkEveryPathAnswersAsItShould();
        // Last, so that it also catches anything the checks above installed (CallerGuard must leave the order be).
        CryptoProviders.expectOrder(order, nimbus.getJWSVerifierFactory());
        System.out.printf("token: %d characters (header.payload %d, signature %d bytes), RSA-%d; the default"
                + " provider order gives %s's %s%n", token.length(), signingInput.length, signature.length,
                key.getModulus().bitLength(), Signature.getInstance(JCA_ALGORITHM).getProvider().getName(),
                JCA_ALGORITHM);
    }

    /** Checks the order again after measuring, in case anything changed it while the benchmark ran. */
    @TearDown
    public void checkProviderOrderAfterwards() throws GeneralSecurityException {
        CryptoProviders.expectOrder(order, nimbus.getJWSVerifierFactory());
    }

    /** The provider the caller check verifies with, as its start-up line names it. */
    String guardProvider() {
        return cached.signatureProvider().description();
    }

    @Benchmark
    public boolean floorFreshSignature() throws GeneralSecurityException {
        Signature verifier = Signature.getInstance(JCA_ALGORITHM, jdkRsa);
        verifier.initVerify(key);
        verifier.update(signingInput);
        return verifier.verify(signature);
    }

    /** The floor: what every RS256 verifier on the JDK's RSA must at least do per token. */
    @Benchmark
    public boolean floor(ReusedSignature reused) throws GeneralSecurityException {
        Signature verifier = reused.signature;
        verifier.initVerify(key);
        verifier.update(signingInput);
        return verifier.verify(signature);
    }

    /** The native floor: the same verification on the native provider's RSA, what CallerGuard uses when it loads. */
    @Benchmark
    public boolean floorNative(ReusedNativeSignature reused) throws GeneralSecurityException {
        Signature verifier = reused.signature;
        verifier.initVerify(key);
        verifier.update(signingInput);
        return verifier.verify(signature);
    }

    @Benchmark
    public boolean peerJavaJwt() {
        try {
            DecodedJWT jwt = javaJwt.verify(token);
            String oid = jwt.getClaim("oid").asString();
            return oid != null && ALLOWED_CALLERS.contains(oid);
        } catch (JWTVerificationException e) {
            return false;
        }
    }

    @Benchmark
    public boolean peerNimbus() {
        try {
            JWTClaimsSet claims = nimbus.process(token, null);
            String oid = claims.getStringClaim("oid");
            return oid != null && ALLOWED_CALLERS.contains(oid);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            return false;
        }
    }

    /** {@link #peerJavaJwt} in a JVM with the native provider first, so that java-jwt gets the RSA CallerGuard uses. */
    @Benchmark
    public boolean peerJavaJwtNative() {
        return peerJavaJwt();
    }

    /** {@link #peerNimbus} in a JVM with the native provider first, so that Nimbus gets the RSA CallerGuard uses. */
    @Benchmark
    public boolean peerNimbusNative() {
        return peerNimbus();
    }

    /** Every request as if its token were new: parsed and RSA-verified each time (the validated-token cache off). */
    @Benchmark
    public Decision guardFresh() {
        return uncached.decide(bearer);
    }

    /** The same token again, as APIM sends it for up to 24 h: the validated-token cache answers; rules still run. */
    @Benchmark
    public Decision guardRepeated() {
        return cached.decide(bearer);
    }

    /** The Easy Auth principal header, trusted (WEBSITE_AUTH_ENABLED=true), no bearer token. */
    @Benchmark
    public Decision guardEasyAuth() {
        return easyAuth.decide(principal);
    }

    @Benchmark
    public Decision refuseBadSignature() {
        return uncached.decide(badSignature);
    }

    @Benchmark
    public Decision refuseWrongAudience() {
        return uncached.decide(wrongAudience);
    }

    /** A validly signed token of a tenant identity that is not on the allowlist (403). */
    @Benchmark
    public Decision refuseCallerNotAllowed() {
        return uncached.decide(notAllowed);
    }

    /** A benchmark of the wrong outcome measures nothing: every path is checked once before measuring. */
    private void checkEveryPathAnswersAsItShould() throws Exception {
        expect(floorFreshSignature() && floor(reusedSignature()), "the floor verifies the signature");
        ReusedNativeSignature reusedNative = new ReusedNativeSignature();
        reusedNative.setUp();
        expect(floorNative(reusedNative), "the native floor verifies the signature");
        expect(peerJavaJwt(), "java-jwt accepts the token");
        expect(peerNimbus(), "Nimbus accepts the token");
        expect(guardFresh() instanceof Decision.Allowed, "the uncached check allows the token");
        expect(guardRepeated() instanceof Decision.Allowed, "the cached check allows the token");
        expect(guardRepeated() instanceof Decision.Allowed, "the cached check allows the token again");
        expect(guardEasyAuth() instanceof Decision.Allowed, "the principal is allowed");
        expect(refusal(refuseBadSignature()) == Refusal.SIGNATURE, "a changed signature is refused");
        expect(refusal(refuseWrongAudience()) == Refusal.AUDIENCE, "another audience is refused");
        expect(refusal(refuseCallerNotAllowed()) == Refusal.CALLER_NOT_ALLOWED, "the intruder is refused");
        String peerOnly = token;
        token = withOneSignatureCharChanged(token);
        expect(!peerJavaJwt() && !peerNimbus(), "the peers refuse a changed signature");
        token = peerOnly;
    }

    private static ReusedSignature reusedSignature() throws GeneralSecurityException {
        ReusedSignature reused = new ReusedSignature();
        reused.setUp();
        return reused;
    }

    private static Refusal refusal(Decision decision) {
        return decision instanceof Decision.Refused refused ? refused.refusal() : null;
    }

    private static void expect(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("benchmark set-up is wrong: expected that " + what);
        }
    }

    /** The token with one signature character changed mid-segment: still canonical base64url, same length. */
    private static String withOneSignatureCharChanged(String token) {
        int at = token.lastIndexOf('.') + 100;
        char changed = token.charAt(at) == 'A' ? 'B' : 'A';
        return token.substring(0, at) + changed + token.substring(at + 1);
    }

    /** Headers as the Functions host delivers them: names in lower case. */
    private static RequestHeaders headers(String name, String value) {
        Map<String, String> headers = new HashMap<>();
        headers.put(name, value);
        return RequestHeaders.of(headers);
    }
}
