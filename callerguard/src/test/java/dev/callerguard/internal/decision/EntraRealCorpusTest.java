package dev.callerguard.internal.decision;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callerguard.CallerSource;
import dev.callerguard.VerifiedCaller;
import dev.callerguard.internal.credentials.RequestHeaders;
import dev.callerguard.internal.keys.JwksKeySetSource;
import dev.callerguard.internal.keys.KeySetCache;
import dev.callerguard.internal.rules.ClaimRules;
import dev.callerguard.internal.rules.RuleVerdict;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.internal.token.BearerTokenVerifier;
import dev.callerguard.internal.token.CompactJws;
import dev.callerguard.internal.token.CryptoChoice;
import dev.callerguard.internal.token.JwsSignatureVerifier;
import dev.callerguard.internal.token.TokenClaimsReader;
import dev.callerguard.testing.JwksServer;
import dev.callerguard.testing.MutableClock;
import dev.callerguard.testing.SharedTestData;
import dev.callerguard.testing.TestSignatures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Genuine Microsoft-signed Entra ID tokens ({@code ../shared/testdata/entra-real}, see its README and manifest)
 * through the full caller check: keys served over real HTTP from the manifest's keys document, a
 * {@link KeySetCache} over {@link JwksKeySetSource}, the clock pinned inside the token's lifetime, and settings
 * that match the token (tenant = {@code tid}, audience = {@code aud}, allowed caller = {@code oid}, default
 * issuers), under both {@code CALLERGUARD_CALLER_TYPES} settings. Each token's kind is in {@link #KINDS}, judged
 * from its claims (the README's "kind" column is not always right; {@link #eachTokenIsOfTheKindItsClaimsShow}
 * checks the table against the claims): an ID token is refused under both settings, a delegated (user) access
 * token is allowed only under {@code app,user}, an app-only token under both. A token that lacks something the
 * check requires is listed in {@link #REFUSED_POSITIVES}, with the refusal it gets and the part it lacks.
 */
@ParameterizedClass(name = "CALLERGUARD_CRYPTO={0}")
@EnumSource(CryptoChoice.class)
class EntraRealCorpusTest {
    @Parameter
    CryptoChoice crypto;

    private static final SharedTestData DATA = SharedTestData.entraReal();
    private static final JsonNode MANIFEST = DATA.json("manifest.json");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** What a token is, as its claims show. */
    enum Kind {
        /** An OpenID Connect ID token: no {@code appid}/{@code azp} (and usually a {@code nonce}). */
        ID_TOKEN,
        /** A delegated access token: a user signed in to a client app; {@code scp} names the delegated scopes. */
        DELEGATED,
        /** An app-only access token: a managed identity or a service principal with its own credentials. */
        APP
    }

    /** Every token of the corpus by its claims (see the class comment), positive and negative. */
    private static final Map<String, Kind> KINDS = Map.ofEntries(
            Map.entry("token-01.jwt", Kind.DELEGATED), Map.entry("token-02.jwt", Kind.DELEGATED),
            Map.entry("token-03.jwt", Kind.DELEGATED), Map.entry("token-04.jwt", Kind.APP),
            Map.entry("token-05.jwt", Kind.APP), Map.entry("token-06.jwt", Kind.APP),
            Map.entry("token-07.jwt", Kind.APP), Map.entry("token-08.jwt", Kind.APP),
            Map.entry("token-09.jwt", Kind.APP), Map.entry("token-10.jwt", Kind.APP),
            Map.entry("token-11.jwt", Kind.APP), Map.entry("token-12.jwt", Kind.APP),
            Map.entry("token-13.jwt", Kind.APP), Map.entry("token-14.jwt", Kind.APP),
            // The README calls token-15 a delegated access token from an MSAL cache: it has no azp and no scp,
            // so it is the cache's ID token.
            Map.entry("token-15.jwt", Kind.ID_TOKEN), Map.entry("token-16.jwt", Kind.ID_TOKEN),
            Map.entry("token-17.jwt", Kind.DELEGATED), Map.entry("token-18.jwt", Kind.ID_TOKEN),
            Map.entry("token-19.jwt", Kind.DELEGATED), Map.entry("negative-01.jwt", Kind.ID_TOKEN),
            Map.entry("negative-02.jwt", Kind.DELEGATED), Map.entry("negative-03.jwt", Kind.ID_TOKEN));

    /** A member a token lacks: {@code header} or {@code payload}, and the member's name. */
    record Lack(String part, String member, Refusal refusal, String why) {
    }

    /**
     * Positive tokens (their signature verifies) that the check refuses, because each lacks something the check
     * requires; every other positive token is allowed.
     */
    private static final Map<String, Lack> REFUSED_POSITIVES = Map.of(
            "token-05.jwt", new Lack("payload", "oid", Refusal.NO_OBJECT_ID,
                    "a 2023 client-credentials token for AAD Graph without oid (or sub): it names no caller object,"
                            + " and the caller allowlist is by oid"),
            "token-19.jwt", new Lack("header", "kid", Refusal.KEY_ID,
                    "a 2014 token that names its key by x5t only; CallerGuard looks keys up by kid"));

    /** One token file of the corpus, decoded (not verified). */
    record RealToken(String file, String compact, JsonNode header, JsonNode claims, List<String> keysFiles) {

        static RealToken load(String file) {
            String compact = DATA.text(file);
            String[] parts = compact.split("\\.");
            List<String> keys = new ArrayList<>();
            MANIFEST.get("tokens").get(file).get("keys").forEach(k -> keys.add(k.asText()));
            return new RealToken(file, compact, json(parts[0]), json(parts[1]), List.copyOf(keys));
        }

        Optional<Lack> lack() {
            return Optional.ofNullable(REFUSED_POSITIVES.get(file));
        }

        Kind kind() {
            return KINDS.get(file);
        }

        /** The refusal under these settings ({@code app,user} when {@code userCallers}), or empty: allowed. */
        Optional<Refusal> expectedRefusal(boolean userCallers) {
            if (lack().isPresent()) {
                return lack().map(Lack::refusal);
            }
            return switch (kind()) {
                case ID_TOKEN -> Optional.of(Refusal.NOT_ACCESS_TOKEN);
                case DELEGATED -> userCallers ? Optional.empty() : Optional.of(Refusal.CALLER_TYPE);
                case APP -> Optional.empty();
            };
        }

        long expiresAt() {
            return claims.get("exp").asLong();
        }

        /** Halfway between {@code nbf} (or {@code iat}) and {@code exp}. */
        Instant inLifetime() {
            long from = claims.has("nbf") ? claims.get("nbf").asLong() : claims.get("iat").asLong();
            return Instant.ofEpochSecond(from + (expiresAt() - from) / 2);
        }

        /** {@code tid}, or the tenant GUID in {@code iss} for a token without {@code tid}. */
        String tenant() {
            if (claims.has("tid")) {
                return claims.get("tid").asText();
            }
            Matcher guid = GUID.matcher(claims.get("iss").asText());
            assertThat(guid.find()).as("%s names a tenant in iss", file).isTrue();
            return guid.group();
        }

        /** Settings matching this token: its tenant, audience and caller, default issuers, the given caller types. */
        Map<String, String> settings(URI keysUrl, boolean userCallers) {
            Map<String, String> values = settings(keysUrl);
            values.put(GuardSettings.CALLER_TYPES, userCallers ? "app,user" : "app");
            return values;
        }

        /** Settings matching this token: its tenant, audience and caller, default issuers. */
        Map<String, String> settings(URI keysUrl) {
            Map<String, String> values = new HashMap<>();
            values.put(GuardSettings.TENANT_ID, tenant());
            List<String> audiences = new ArrayList<>();
            JsonNode aud = claims.get("aud");
            if (aud.isArray()) {
                aud.forEach(a -> audiences.add(a.asText()));
            } else {
                audiences.add(aud.asText());
            }
            values.put(GuardSettings.AUDIENCES, String.join(",", audiences));
            values.put(GuardSettings.ALLOWED_CALLERS, claims.has("oid") ? claims.get("oid").asText() : "*");
            values.put(GuardSettings.KEYS_URL, keysUrl.toString());
            return values;
        }

        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<RealToken> positiveTokens() {
        return tokenFiles("token-").map(RealToken::load);
    }

    /** The token/keys pairs beyond each token's first keys file (the README's extra verified combinations). */
    static Stream<Arguments> furtherKeysFiles() {
        return positiveTokens().flatMap(t -> t.keysFiles().stream().skip(1).map(k -> Arguments.of(t, k)));
    }

    static Stream<RealToken> tokensAllowedUnderAppAndUser() {
        return positiveTokens().filter(token -> token.expectedRefusal(true).isEmpty());
    }

    static Stream<Arguments> positiveTokensUnderBothCallerTypes() {
        return positiveTokens().flatMap(t -> Stream.of(Arguments.of(t, false), Arguments.of(t, true)));
    }

    @ParameterizedTest(name = "{0}, app,user {1}")
    @MethodSource("positiveTokensUnderBothCallerTypes")
    void decidesEachGenuineTokenWithinItsLifetimeByItsKind(RealToken token, boolean userCallers)
            throws IOException {
        MutableClock clock = new MutableClock(token.inLifetime());

        Decision decision = decide(token.compact(), token, token.keysFiles().get(0), clock, userCallers);

        assertDecision(token, decision, userCallers);
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("furtherKeysFiles")
    void decidesEachGenuineTokenAlikeWithEveryOtherKeysDocumentThatHoldsItsKey(RealToken token, String keysFile)
            throws IOException {
        MutableClock clock = new MutableClock(token.inLifetime());

        assertDecision(token, decide(token.compact(), token, keysFile, clock, false), false);
        assertDecision(token, decide(token.compact(), token, keysFile, clock, true), true);
    }

    /**
     * Scopes (issue 20): under {@code app,user}, a genuine delegated token passes a function that requires the
     * scopes its {@code scp} holds, and is refused {@code CG403-SCOPE} once one more scope is required; an app-only
     * token carries none and passes both, judged by its roles.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tokensAllowedUnderAppAndUser")
    void judgesEachGenuineTokensScopesByItsKind(RealToken token) throws IOException {
        MutableClock clock = new MutableClock(token.inLifetime());
        String[] granted = token.claims().path("scp").asText("").split(" ");
        try (JwksServer server = JwksServer.startRaw(DATA.text(token.keysFiles().get(0)))) {
            GuardSettings settings = GuardSettings.load(token.settings(server.keysUrl(), true));
            CallerCheck check = new CallerCheck(settings, keys(server, clock), clock, TestSignatures.provider(crypto));
            RequestHeaders headers = RequestHeaders.of(Map.of("authorization", "Bearer " + token.compact()));
            CallerCheck grantedOnly = token.kind() == Kind.DELEGATED ? check.requiringScopes(granted) : check;

            assertThat(grantedOnly.decide(headers)).as(token.file()).isInstanceOf(Decision.Allowed.class);
            Decision oneMore = grantedOnly.requiringScopes("CallerGuard.NotGranted").decide(headers);
            if (token.kind() == Kind.DELEGATED) {
                assertThat(refusal(oneMore)).as(token.file()).isEqualTo(Refusal.SCOPE_MISSING);
            } else {
                assertThat(oneMore).as(token.file()).isInstanceOf(Decision.Allowed.class);
            }
        }
    }

    @Test
    void eachTokenIsOfTheKindItsClaimsShow() {
        assertThat(KINDS.keySet()).containsExactlyInAnyOrderElementsOf(
                Stream.concat(tokenFiles("token-"), tokenFiles("negative-")).toList());
        KINDS.forEach((file, kind) -> {
            JsonNode claims = RealToken.load(file).claims();
            Kind shown;
            if (!claims.has("appid") && !claims.has("azp")) {
                shown = Kind.ID_TOKEN;
            } else if (claims.has("scp")) {
                shown = Kind.DELEGATED;
            } else {
                shown = Kind.APP;
            }
            assertThat(kind).as(file).isEqualTo(shown);
            if (kind == Kind.APP && claims.has("oid")) {
                boolean idtypApp = claims.path("idtyp").asText("").equals("app");
                boolean oidIsSub = claims.get("oid").asText().equals(claims.path("sub").asText(null));
                assertThat(claims.has("idtyp") ? idtypApp : oidIsSub).as("%s is app-only by Microsoft's rule", file)
                        .isTrue();
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("positiveTokens")
    void refusesEachTokenOnceItsExpiryPlusClockSkewHasPassed(RealToken token) throws IOException {
        MutableClock clock = new MutableClock(
                Instant.ofEpochSecond(token.expiresAt()).plus(GuardSettings.DEFAULT_CLOCK_SKEW));

        Refusal refusal = refusal(decide(token.compact(), token, token.keysFiles().get(0), clock));

        // A header that names no kid is refused before any claim is read, so expiry cannot show there.
        Refusal expected = token.lack().filter(lack -> lack.part().equals("header"))
                .map(Lack::refusal).orElse(Refusal.EXPIRED);
        assertThat(refusal).isEqualTo(expected);
        assertThat(refusal.kind().status()).isEqualTo(401);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("positiveTokens")
    void keepsAcceptingEachTokenUntilTheLastSecondOfItsClockSkew(RealToken token) throws IOException {
        MutableClock clock = new MutableClock(Instant.ofEpochSecond(token.expiresAt())
                .plus(GuardSettings.DEFAULT_CLOCK_SKEW).minusSeconds(1));

        Decision decision = decide(token.compact(), token, token.keysFiles().get(0), clock);

        assertDecision(token, decision, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("positiveTokens")
    void manifestDescribesEachTokenAsItIs(RealToken token) {
        JsonNode entry = MANIFEST.get("tokens").get(token.file());

        assertThat(entry.get("expect").asText()).isEqualTo("valid-signature");
        assertThat(token.header()).isEqualTo(entry.get("header"));
        entry.get("claims_summary").properties().forEach(claim ->
                assertThat(token.claims().get(claim.getKey())).as(claim.getKey()).isEqualTo(claim.getValue()));
    }

    @Test
    void refusedPositivesLackWhatTheTableSays() {
        REFUSED_POSITIVES.forEach((file, lack) -> {
            RealToken token = RealToken.load(file);
            JsonNode part = lack.part().equals("header") ? token.header() : token.claims();
            assertThat(part.has(lack.member())).as("%s %s has %s", file, lack.part(), lack.member()).isFalse();
        });
    }

    @Test
    void refusesTokenWithoutObjectIdForThatReasonAlone() throws Exception {
        RealToken token = RealToken.load("token-05.jwt");
        MutableClock clock = new MutableClock(token.inLifetime());
        try (JwksServer server = JwksServer.startRaw(DATA.text(token.keysFiles().get(0)))) {
            // Under app,user: without an oid it cannot be shown to be app-only either (oid = sub), see KINDS.
            GuardSettings settings = GuardSettings.load(token.settings(server.keysUrl(), true));
            BearerTokenVerifier.Result verified = new BearerTokenVerifier(keys(server, clock), TestSignatures.rs256(crypto))
                    .verify(token.compact());
            assertThat(verified.refusal()).as("signature and claim types").isNull();

            List<RuleVerdict> verdicts = ClaimRules.forBearer(settings, settings.policy(), clock)
                    .explain(verified.claims());

            assertThat(verdicts).filteredOn(v -> v.refusal().isPresent())
                    .extracting(RuleVerdict::refusal)
                    .containsExactly(Optional.of(Refusal.NO_OBJECT_ID));
        }
    }

    @Test
    void refusesTokenWithoutKeyIdForThatReasonAlone() throws Exception {
        RealToken token = RealToken.load("token-19.jwt");
        MutableClock clock = new MutableClock(token.inLifetime());
        CompactJws jws = CompactJws.parse(token.compact());
        GuardSettings settings = GuardSettings.load(token.settings(URI.create("http://127.0.0.1:1/keys"), true));

        // Its claims (a delegated token) pass every rule under app,user ...
        List<RuleVerdict> verdicts = ClaimRules.forBearer(settings, settings.policy(), clock)
                .explain(TokenClaimsReader.read(jws.payload()));
        assertThat(verdicts).allSatisfy(v -> assertThat(v.refusal()).as(v.rule()).isEmpty());
        // ... and its signature verifies with the certificate that its x5t names in keys-09.json.
        String x5t = token.header().get("x5t").asText();
        JsonNode key = findKey(DATA.json(token.keysFiles().get(0)), "x5t", x5t).orElseThrow();
        RSAPublicKey certificateKey = (RSAPublicKey) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(
                        Base64.getDecoder().decode(key.get("x5c").get(0).asText())))
                .getPublicKey();
        assertThat(TestSignatures.rs256(crypto).verify(certificateKey, jws.signingInput(), jws.signature()))
                .isTrue();
        assertThat(JwsSignatureVerifier.checkHeader(jws.header())).isEqualTo(Refusal.KEY_ID);
    }

    @Test
    void refusesNegative01AsPublishedBecauseItsSignatureIsNotCanonicalBase64url() throws IOException {
        RealToken token = RealToken.load("negative-01.jwt");
        assertThat(hasNonZeroPadBits(signatureSegment(token.compact()))).isTrue();

        Decision decision = decide(token.compact(), token, manifestKeysFile(token), clock(token));

        assertThat(refusal(decision)).isEqualTo(Refusal.MALFORMED_TOKEN);
    }

    @Test
    void refusesNegative01WithItsSignatureCanonicallyEncodedBecauseTheSignatureDoesNotVerify() throws IOException {
        RealToken token = RealToken.load("negative-01.jwt");
        RealToken genuine = RealToken.load("token-18.jwt");
        String canonical = withCanonicalSignature(token.compact());
        // Same header and payload as the genuine token-18; only the signature bytes differ.
        assertThat(signingInput(canonical)).isEqualTo(signingInput(genuine.compact()));
        assertThat(signatureSegment(canonical)).isNotEqualTo(signatureSegment(genuine.compact()));

        Decision decision = decide(canonical, token, manifestKeysFile(token), clock(token));

        assertThat(refusal(decision)).isEqualTo(Refusal.SIGNATURE);
    }

    @Test
    void refusesNegative02AsPublishedBecauseItsBlankedSignatureIsNotCanonicalBase64url() throws IOException {
        RealToken token = RealToken.load("negative-02.jwt");
        assertThat(hasNonZeroPadBits(signatureSegment(token.compact()))).isTrue();

        Decision decision = decide(token.compact(), token, "keys-04.json", clock(token));

        assertThat(refusal(decision)).isEqualTo(Refusal.MALFORMED_TOKEN);
    }

    @Test
    void refusesNegative02WithItsSignatureCanonicallyEncodedBecauseItsKeyIsInNoKeySet() throws IOException {
        RealToken token = RealToken.load("negative-02.jwt");
        assertThat(keysDocumentsHolding(token.header().get("kid").asText())).isEmpty();

        Decision decision = decide(withCanonicalSignature(token.compact()), token, "keys-04.json", clock(token));

        assertThat(refusal(decision)).isEqualTo(Refusal.UNKNOWN_KEY);
    }

    @Test
    void refusesNegative03BecauseItsKeyIsInNoKeySet() throws IOException {
        RealToken token = RealToken.load("negative-03.jwt");
        assertThat(keysDocumentsHolding(token.header().get("kid").asText())).isEmpty();
        assertThat(hasNonZeroPadBits(signatureSegment(token.compact()))).isFalse();

        Decision decision = decide(token.compact(), token, "keys-04.json", clock(token));

        assertThat(refusal(decision)).isEqualTo(Refusal.UNKNOWN_KEY);
    }

    /** The full check with the keys document served over real HTTP to a fresh key cache. */
    /** The full check under the default caller types ({@code app}). */
    private Decision decide(String compact, RealToken token, String keysFile, MutableClock clock)
            throws IOException {
        return decide(compact, token, keysFile, clock, false);
    }

    /** The full check with the keys document served over real HTTP to a fresh key cache. */
    private Decision decide(String compact, RealToken token, String keysFile, MutableClock clock,
                                   boolean userCallers) throws IOException {
        try (JwksServer server = JwksServer.startRaw(DATA.text(keysFile))) {
            GuardSettings settings = GuardSettings.load(token.settings(server.keysUrl(), userCallers));
            CallerCheck check = new CallerCheck(settings, keys(server, clock), clock, TestSignatures.provider(crypto));
            return check.decide(RequestHeaders.of(Map.of("authorization", "Bearer " + compact)));
        }
    }

    private static KeySetCache keys(JwksServer server, MutableClock clock) {
        return new KeySetCache(new JwksKeySetSource(server.keysUrl()), clock, KeySetCache.Timing.DEFAULT);
    }

    private static void assertDecision(RealToken token, Decision decision, boolean userCallers) {
        Optional<Refusal> expected = token.expectedRefusal(userCallers);
        if (expected.isPresent()) {
            assertThat(refusal(decision)).as("%s (%s): %s", token.file(), token.kind(),
                    token.lack().map(Lack::why).orElse("by its kind")).isEqualTo(expected.get());
            return;
        }
        assertThat(decision).as("%s: %s", token.file(), decision).isInstanceOf(Decision.Allowed.class);
        VerifiedCaller caller = ((Decision.Allowed) decision).caller();
        JsonNode claims = token.claims();
        assertThat(caller.objectId()).isEqualToIgnoringCase(claims.get("oid").asText());
        assertThat(caller.tenantId()).isEqualToIgnoringCase(claims.get("tid").asText());
        JsonNode app = claims.has("appid") ? claims.get("appid") : claims.get("azp");
        if (app == null) {
            assertThat(caller.appId()).isEmpty();
        } else {
            assertThat(caller.appId()).hasValueSatisfying(id -> assertThat(id).isEqualToIgnoringCase(app.asText()));
        }
        assertThat(caller.source()).isEqualTo(CallerSource.BEARER);
        assertThat(decision.warnings()).isEmpty();
    }

    private static Refusal refusal(Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Refused.class);
        return ((Decision.Refused) decision).refusal();
    }

    private static MutableClock clock(RealToken token) {
        return new MutableClock(token.inLifetime());
    }

    private static String manifestKeysFile(RealToken token) {
        assertThat(token.keysFiles()).isNotEmpty();
        return token.keysFiles().get(0);
    }

    private static List<String> keysDocumentsHolding(String kid) {
        List<String> holding = new ArrayList<>();
        MANIFEST.get("keys").fieldNames().forEachRemaining(file -> {
            if (findKey(DATA.json(file), "kid", kid).isPresent()) {
                holding.add(file);
            }
        });
        assertThat(MANIFEST.get("keys").size()).isEqualTo(10);
        return holding;
    }

    private static Optional<JsonNode> findKey(JsonNode document, String member, String value) {
        for (JsonNode key : document.get("keys")) {
            if (value.equals(key.path(member).asText(null))) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    private static Stream<String> tokenFiles(String prefix) {
        List<String> files = new ArrayList<>();
        MANIFEST.get("tokens").fieldNames().forEachRemaining(files::add);
        return files.stream().filter(f -> f.startsWith(prefix)).sorted();
    }

    private static String signingInput(String compact) {
        return compact.substring(0, compact.lastIndexOf('.'));
    }

    private static String signatureSegment(String compact) {
        return compact.substring(compact.lastIndexOf('.') + 1);
    }

    /** The same signature bytes (as a lenient decoder reads them) in canonical base64url. */
    private static String withCanonicalSignature(String compact) {
        byte[] signature = Base64.getUrlDecoder().decode(signatureSegment(compact));
        return signingInput(compact) + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    /** Whether the last character carries bits beyond the encoded bytes (RFC 4648 section 3.5). */
    private static boolean hasNonZeroPadBits(String segment) {
        String canonical = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Base64.getUrlDecoder().decode(segment));
        return !canonical.equals(segment);
    }

    private static JsonNode json(String base64url) {
        try {
            return MAPPER.readTree(Base64.getUrlDecoder().decode(base64url));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
