package dev.callerguard.internal.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwk.Jwk;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callerguard.internal.credentials.MalformedCredentialException;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.keys.JwksKeySetSource;
import dev.callerguard.internal.keys.KeyLookup;
import dev.callerguard.internal.keys.SigningKeys;
import dev.callerguard.testing.SharedTestData;
import dev.callerguard.testing.TestSignatures;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Project Wycheproof's JWS vectors ({@code json_web_signature_test.json}) through CallerGuard's signature layer:
 * {@link CompactJws#parse} and {@link JwsSignatureVerifier}, with a one-key key set built from each group's JWK
 * and filtered by {@link JwksKeySetSource#usableKeys}. CallerGuard accepts RS256 only, so the expectation is:
 * every {@code valid} vector of an RS256 group is accepted, and every other vector (invalid, acceptable, other
 * algorithms, JSON serialization, keys not meant for signing) is refused. Any vector where CallerGuard does
 * otherwise must be listed in {@link #DEVIATIONS}; a listed deviation that stops happening fails the test.
 *
 * @see <a href="https://github.com/C2SP/wycheproof">Project Wycheproof</a>
 */
@ParameterizedClass(name = "CALLERGUARD_CRYPTO={0}")
@EnumSource(CryptoChoice.class)
public class WycheproofJwsTest {
    @Parameter
    CryptoChoice crypto;

    private static final String FILE = "json_web_signature_test.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() { };

    /**
     * The vectors on which CallerGuard does NOT do what the expectation above says, by tcId, with the reason.
     * Empty: the README's known data defects (357/367/370 one {@code jws} with different labels, 372/373 HMACs
     * labelled valid that do not match, 346/350 and 347/351 key/token algorithm disagreements, 349's malformed
     * {@code key_ops}) all sit in groups CallerGuard refuses anyway (HS256, PS384, ES512) or, for 349, in the
     * group's private key, which a verifier never sees; its public key ({@code key_ops: ["verify"]}) is sound.
     * Add an entry only with the reason; the test fails if a listed deviation disappears.
     */
    private static final Map<Integer, String> DEVIATIONS = Map.of();

    /** The tcIds the corpus README lists as its RS256 groups: 33-263, 345, 349, 353, 355. */
    private static final Set<Integer> README_RS256_TCIDS = readmeRs256TcIds();

    private static final List<Vector> VECTORS = load();

    /**
     * One test vector with the key its group gives a verifier.
     *
     * @param key the group's public JWK or, for symmetric groups (which publish none), its secret JWK
     */
    record Vector(int tcId, String group, String comment, String result, List<String> flags, JsonNode jws,
                  JsonNode key) {

        /** An RSA key declared for RS256 ({@code alg} RS256 or absent): the only kind CallerGuard accepts. */
        boolean rs256Group() {
            return "RSA".equals(key.path("kty").asText())
                    && (!key.has("alg") || "RS256".equals(key.get("alg").asText()));
        }

        boolean expectedAccepted() {
            boolean baseline = rs256Group() && "valid".equals(result);
            return DEVIATIONS.containsKey(tcId) != baseline;
        }

        String name() {
            return "tcId " + tcId + " [" + group + "] " + result + " " + comment
                    + (flags.isEmpty() ? "" : " " + flags);
        }
    }

    @TestFactory
    Stream<DynamicTest> acceptsEveryValidRs256Vector() {
        return vectors(v -> v.rs256Group() && "valid".equals(v.result()));
    }

    @TestFactory
    Stream<DynamicTest> refusesEveryOtherVector() {
        return vectors(v -> !(v.rs256Group() && "valid".equals(v.result())));
    }

    /**
     * Where a vector's flag says what was attacked, the refusal comes from the layer that owns that check: a
     * re-padded PKCS#1 signature fails the RSA verification itself, {@code alg: none} fails the algorithm check,
     * and a JSON-serialized JWS is not a compact token at all.
     */
    @TestFactory
    Stream<DynamicTest> refusesEachFlaggedAttackAtTheLayerThatOwnsIt() {
        Map<String, Refusal> layerByFlag = Map.of(
                "ModifiedPadding", Refusal.SIGNATURE,
                "AlgIsNone", Refusal.ALGORITHM,
                "JsonSerialization", Refusal.MALFORMED_TOKEN);
        return VECTORS.stream()
                .filter(v -> v.flags().stream().anyMatch(layerByFlag::containsKey))
                .filter(v -> !DEVIATIONS.containsKey(v.tcId()))
                .map(v -> DynamicTest.dynamicTest(v.name(), () -> {
                    String flag = v.flags().stream().filter(layerByFlag::containsKey).findFirst().orElseThrow();
                    assertThat(signatureLayer(v)).as(v.name()).isEqualTo(layerByFlag.get(flag));
                }));
    }

    @Test
    void refusesAnRsaKeyMeantForEncryptionAtKeyLookup() {
        List<Vector> encryptionKeyVectors = VECTORS.stream()
                .filter(v -> "rsa_encryption".equals(v.group()))
                .toList();

        assertThat(encryptionKeyVectors).extracting(Vector::tcId).containsExactly(353, 355);
        assertThat(encryptionKeyVectors).extracting(v -> v.key().has("use") ? v.key().get("use").asText()
                : v.key().get("key_ops").toString()).containsExactly("enc", "[\"encrypt\"]");
        // The token names the key's own kid and is RS256: only the key's purpose keeps it out of the key set.
        assertThat(encryptionKeyVectors).allSatisfy(v ->
                assertThat(signatureLayer(v)).as(v.name()).isEqualTo(Refusal.UNKNOWN_KEY));
    }

    @Test
    void refusesAnRs256TokenForAKeyDeclaredForAnotherAlgorithm() {
        // tcId 332 (WrongPrimitive): header alg RS256, naming the group's PS512 key.
        Vector wrongPrimitive = VECTORS.stream().filter(v -> v.tcId() == 332).findFirst().orElseThrow();
        assertThat(wrongPrimitive.key().get("alg").asText()).isEqualTo("PS512");

        assertThat(signatureLayer(wrongPrimitive)).isEqualTo(Refusal.UNKNOWN_KEY);
    }

    @Test
    void readsEveryVectorOfTheCorpus() {
        JsonNode corpus = SharedTestData.wycheproof().json(FILE);

        assertThat(VECTORS).hasSize(corpus.get("numberOfTests").asInt());
        assertThat(VECTORS).extracting(Vector::tcId).doesNotHaveDuplicates();
    }

    @Test
    void classifiesAsRs256ExactlyTheGroupsTheCorpusReadmeNames() {
        Set<Integer> rs256 = new TreeSet<>();
        VECTORS.stream().filter(Vector::rs256Group).forEach(v -> rs256.add(v.tcId()));

        assertThat(rs256).isEqualTo(README_RS256_TCIDS);
        assertThat(VECTORS.stream().filter(v -> v.rs256Group() && "valid".equals(v.result()))).isNotEmpty();
    }

    @Test
    void everyListedDeviationNamesAVectorOfTheCorpus() {
        assertThat(VECTORS).extracting(Vector::tcId).containsAll(DEVIATIONS.keySet());
    }

    private Stream<DynamicTest> vectors(Predicate<Vector> selection) {
        return VECTORS.stream().filter(selection).map(v -> DynamicTest.dynamicTest(v.name(), () -> {
            Refusal refusal = signatureLayer(v);
            if (v.expectedAccepted()) {
                assertThat(refusal)
                        .as("%s: expected accepted%s", v.name(), deviationNote(v))
                        .isNull();
            } else {
                assertThat(refusal)
                        .as("%s: expected refused%s", v.name(), deviationNote(v))
                        .isNotNull();
            }
        }));
    }

    private static String deviationNote(Vector v) {
        String reason = DEVIATIONS.get(v.tcId());
        return reason == null ? "" : " (listed deviation: " + reason + "; if it no longer occurs, remove it)";
    }

    /** What the signature layer says: {@code null} for accepted, else the refusal. */
    private Refusal signatureLayer(Vector v) {
        // A JSON-serialized JWS reaches CallerGuard as the text of its JSON object.
        String token = v.jws().isTextual() ? v.jws().textValue() : v.jws().toString();
        CompactJws jws;
        try {
            jws = CompactJws.parse(token);
        } catch (MalformedCredentialException e) {
            return e.refusal();
        }
        Map<String, RSAPublicKey> keys = JwksKeySetSource.usableKeys(keySet(v, jws));
        SigningKeys signingKeys = kid -> keys.containsKey(kid)
                ? new KeyLookup.Found(kid, keys.get(kid)) : new KeyLookup.Unknown();
        return new JwsSignatureVerifier(signingKeys, TestSignatures.rs256(crypto)).verify(jws).refusal();
    }

    /** The group's key as a one-key JWKS, given the {@code kid} the token names if it has none of its own. */
    private static List<Jwk> keySet(Vector v, CompactJws jws) {
        Map<String, Object> values = MAPPER.convertValue(v.key(), JSON_OBJECT);
        if (!values.containsKey("kid") && jws.header().get("kid") instanceof String headerKid) {
            values.put("kid", headerKid);
        }
        return List.of(Jwk.fromValues(values));
    }

    private static List<Vector> load() {
        JsonNode corpus = SharedTestData.wycheproof().json(FILE);
        List<Vector> vectors = new ArrayList<>();
        for (JsonNode group : corpus.get("testGroups")) {
            JsonNode key = group.has("public") ? group.get("public") : group.get("private");
            for (JsonNode test : group.get("tests")) {
                List<String> flags = new ArrayList<>();
                test.path("flags").forEach(flag -> flags.add(flag.asText()));
                vectors.add(new Vector(test.get("tcId").asInt(), group.get("comment").asText(),
                        test.get("comment").asText(), test.get("result").asText(), List.copyOf(flags),
                        test.get("jws"), key));
            }
        }
        return List.copyOf(vectors);
    }

    private static Set<Integer> readmeRs256TcIds() {
        Set<Integer> ids = new TreeSet<>();
        IntStream.rangeClosed(33, 263).forEach(ids::add);
        ids.addAll(List.of(345, 349, 353, 355));
        return ids;
    }
}
