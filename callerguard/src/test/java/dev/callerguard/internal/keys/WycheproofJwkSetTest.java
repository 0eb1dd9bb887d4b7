package dev.callerguard.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwk.Jwk;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callerguard.internal.credentials.MalformedCredentialException;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.token.CompactJws;
import dev.callerguard.internal.token.CryptoChoice;
import dev.callerguard.internal.token.JwsSignatureVerifier;
import dev.callerguard.internal.token.WycheproofJwsTest;
import dev.callerguard.testing.SharedTestData;
import dev.callerguard.testing.TestSignatures;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Project Wycheproof's key-set vectors ({@code json_web_key_test.json}) through {@link JwksKeySetSource#usableKeys}
 * and the signature layer. Each group is a whole JWKS (its public keys, or for symmetric groups its secret keys);
 * the expectation is the one of {@link WycheproofJwsTest}: the {@code valid} vectors whose key set holds an RS256
 * key are accepted, every other vector is refused, and any deviation is listed in {@link #DEVIATIONS}.
 */
@ParameterizedClass(name = "CALLERGUARD_CRYPTO={0}")
@EnumSource(CryptoChoice.class)
class WycheproofJwkSetTest {
    @Parameter
    CryptoChoice crypto;

    private static final String FILE = "json_web_key_test.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() { };

    /**
     * Vectors on which CallerGuard does not do what the expectation says, by tcId, with the reason; the test fails
     * when a listed deviation stops happening.
     */
    private static final Map<Integer, String> DEVIATIONS = Map.of(
            // jws_rsa_roca_key, "invalid": the key's modulus has the ROCA fingerprint (CVE-2017-15361, keys made by
            // Infineon's RSALib). usableKeys checks type, use, alg, key_ops, size (>= 2048 bits; this one has 2049)
            // and exponent, not ROCA fingerprints, so the key is kept and the correctly signed token is accepted.
            // Entra's signing keys are not RSALib keys; see the report for whether to add the fingerprint test.
            7, "ROCA-vulnerable 2049-bit modulus is not detected");

    private static final List<KeySetVector> VECTORS = load();

    /** One vector with the key set of its group. */
    record KeySetVector(int tcId, String group, String comment, String result, List<String> flags, String jws,
                        JsonNode keys) {

        boolean hasRs256Key() {
            for (JsonNode key : keys) {
                if ("RSA".equals(key.path("kty").asText())
                        && (!key.has("alg") || "RS256".equals(key.get("alg").asText()))) {
                    return true;
                }
            }
            return false;
        }

        boolean validWithRs256Key() {
            return hasRs256Key() && "valid".equals(result);
        }

        boolean expectedAccepted() {
            return DEVIATIONS.containsKey(tcId) != validWithRs256Key();
        }

        List<Jwk> jwks() {
            List<Jwk> jwks = new ArrayList<>();
            keys.forEach(key -> jwks.add(Jwk.fromValues(MAPPER.convertValue(key, JSON_OBJECT))));
            return jwks;
        }

        String name() {
            return "tcId " + tcId + " [" + group + "] " + result + " " + comment
                    + (flags.isEmpty() ? "" : " " + flags);
        }
    }

    @TestFactory
    Stream<DynamicTest> acceptsTheValidTokenOfEveryRs256KeySet() {
        return vectors(KeySetVector::validWithRs256Key);
    }

    @TestFactory
    Stream<DynamicTest> refusesEveryOtherTokenOfTheKeySetCorpus() {
        return vectors(v -> !v.validWithRs256Key());
    }

    @Test
    void readsEveryVectorOfTheCorpus() {
        assertThat(VECTORS).hasSize(SharedTestData.wycheproof().json(FILE).get("numberOfTests").asInt());
    }

    @Test
    void everyListedDeviationNamesAVectorOfTheCorpus() {
        assertThat(VECTORS).extracting(KeySetVector::tcId).containsAll(DEVIATIONS.keySet());
    }

    @Test
    void keepsAn2048BitRs256SigningKey() {
        KeySetVector rs256 = vector(5);

        assertThat(JwksKeySetSource.usableKeys(rs256.jwks())).containsOnlyKeys("kid-rsa-sign");
    }

    @Test
    void dropsAnRsaKeyMeantForEncryption() {
        KeySetVector encryption = vector(6);
        assertThat(encryption.keys().get(0).get("use").asText()).isEqualTo("enc");

        assertThat(JwksKeySetSource.usableKeys(encryption.jwks())).isEmpty();
    }

    @Test
    void dropsAn1024BitRsaKey() {
        KeySetVector small = vector(8);
        assertThat(small.comment()).isEqualTo("rejects1024bitRsaKey");

        assertThat(JwksKeySetSource.usableKeys(small.jwks())).isEmpty();
    }

    @Test
    void dropsAnRsaKeyWithPublicExponentOne() {
        KeySetVector exponentOne = vector(9);
        assertThat(exponentOne.keys().get(0).get("e").asText()).isEqualTo("AQ");

        assertThat(JwksKeySetSource.usableKeys(exponentOne.jwks())).isEmpty();
    }

    @Test
    void dropsAKeyLabelledRsaThatCarriesEcParameters() {
        KeySetVector wrongKty = vector(24);
        assertThat(wrongKty.group()).isEqualTo("wrong_kty");

        assertThat(JwksKeySetSource.usableKeys(wrongKty.jwks())).isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> dropsEverySymmetricAndEcKey() {
        return VECTORS.stream()
                .filter(v -> v.keys().findValues("kty").stream().noneMatch(kty -> "RSA".equals(kty.asText())))
                .map(v -> DynamicTest.dynamicTest(v.name(), () ->
                        assertThat(JwksKeySetSource.usableKeys(v.jwks())).isEmpty()));
    }

    @Test
    void dropsAKidNamedTwiceSoNeitherKeyIsUsed() {
        // The corpus's duplicate-kid set (tcId 4) holds HMAC keys, which are dropped for their type alone. The same
        // shape with two usable RSA keys: the RS256 key of tcId 5 and Wycheproof's other 2048-bit RS256 key (kid
        // RS256_2048 in json_web_signature_test.json), renamed to the same kid.
        KeySetVector rs256 = vector(5);
        Jwk first = rs256.jwks().get(0);
        Map<String, Object> other = otherRs256Key();
        other.put("kid", first.getId());
        List<Jwk> duplicated = List.of(first, Jwk.fromValues(other));
        assertThat(JwksKeySetSource.usableKeys(List.of(Jwk.fromValues(other)))).containsOnlyKeys(first.getId());

        assertThat(JwksKeySetSource.usableKeys(duplicated)).isEmpty();
        assertThat(signatureLayer(rs256.jws(), duplicated)).isEqualTo(Refusal.UNKNOWN_KEY);
        assertThat(signatureLayer(rs256.jws(), List.of(first))).isNull();
    }

    private Stream<DynamicTest> vectors(Predicate<KeySetVector> selection) {
        return VECTORS.stream().filter(selection).map(v -> DynamicTest.dynamicTest(v.name(), () -> {
            Refusal refusal = signatureLayer(v.jws(), v.jwks());
            String note = DEVIATIONS.containsKey(v.tcId())
                    ? " (listed deviation: " + DEVIATIONS.get(v.tcId()) + "; if it no longer occurs, remove it)" : "";
            if (v.expectedAccepted()) {
                assertThat(refusal).as("%s: expected accepted%s", v.name(), note).isNull();
            } else {
                assertThat(refusal).as("%s: expected refused%s", v.name(), note).isNotNull();
            }
        }));
    }

    /** {@code null} when the signature layer accepts the token with this key set, else the refusal. */
    private Refusal signatureLayer(String token, List<Jwk> keySet) {
        CompactJws jws;
        try {
            jws = CompactJws.parse(token);
        } catch (MalformedCredentialException e) {
            return e.refusal();
        }
        Map<String, RSAPublicKey> keys = JwksKeySetSource.usableKeys(keySet);
        SigningKeys signingKeys = kid -> keys.containsKey(kid)
                ? new KeyLookup.Found(kid, keys.get(kid)) : new KeyLookup.Unknown();
        return new JwsSignatureVerifier(signingKeys, TestSignatures.rs256(crypto)).verify(jws).refusal();
    }

    private static Map<String, Object> otherRs256Key() {
        for (JsonNode group : SharedTestData.wycheproof().json("json_web_signature_test.json").get("testGroups")) {
            JsonNode key = group.path("public");
            if ("RS256_2048".equals(key.path("kid").asText())) {
                return MAPPER.convertValue(key, JSON_OBJECT);
            }
        }
        throw new IllegalStateException("json_web_signature_test.json has no key RS256_2048");
    }

    private static KeySetVector vector(int tcId) {
        return VECTORS.stream().filter(v -> v.tcId() == tcId).findFirst().orElseThrow();
    }

    private static List<KeySetVector> load() {
        JsonNode corpus = SharedTestData.wycheproof().json(FILE);
        List<KeySetVector> vectors = new ArrayList<>();
        for (JsonNode group : corpus.get("testGroups")) {
            JsonNode keys = (group.has("public") ? group.get("public") : group.get("private")).get("keys");
            for (JsonNode test : group.get("tests")) {
                List<String> flags = new ArrayList<>();
                test.path("flags").forEach(flag -> flags.add(flag.asText()));
                vectors.add(new KeySetVector(test.get("tcId").asInt(), group.get("comment").asText(),
                        test.get("comment").asText(), test.get("result").asText(), List.copyOf(flags),
                        test.get("jws").asText(), keys));
            }
        }
        return List.copyOf(vectors);
    }
}
