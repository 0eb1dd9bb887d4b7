package dev.callerguard.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwk.Jwk;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callerguard.testing.JwksServer;
import dev.callerguard.testing.SharedTestData;
import java.io.IOException;
import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real Microsoft keys documents of {@code ../shared/testdata/entra-real} (keys-01..10) through
 * {@link JwksKeySetSource}: each parses, and the keys kept are the document's RSA keys of at least 2048 bits,
 * except those listed in {@link #NOT_RS256_KEYS} with the reason.
 */
class EntraRealCorpusKeySetsTest {
    private static final SharedTestData DATA = SharedTestData.entraReal();
    private static final JsonNode MANIFEST = DATA.json("manifest.json");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() { };
    private static final String MSA_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";

    /**
     * Documents whose RSA keys are not usable for RS256, and why. keys-09 is a test fixture (identitymodel
     * extensions) that declares {@code alg: "SHA256"}, which is no JWS algorithm, on both keys, and
     * {@code key_ops: ["signing"]} (no {@code verify}) on the first: usableKeys keeps only keys whose {@code alg},
     * when present, is RS256.
     */
    private static final Map<String, String> NOT_RS256_KEYS = Map.of(
            "keys-09.json", "alg \"SHA256\" is not RS256");

    static Stream<String> keysDocuments() {
        List<String> files = new ArrayList<>();
        MANIFEST.get("keys").fieldNames().forEachRemaining(files::add);
        assertThat(files).hasSize(10);
        return files.stream().sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keysDocuments")
    void manifestListsTheKidsOfEachDocument(String file) {
        Set<String> kids = new LinkedHashSet<>();
        DATA.json(file).get("keys").forEach(key -> kids.add(key.get("kid").asText()));

        assertThat(kids).containsExactlyInAnyOrderElementsOf(manifestKids(file));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keysDocuments")
    void keepsEveryRsaKeyOfAtLeast2048BitsOfEachDocument(String file) {
        Map<String, RSAPublicKey> usable = JwksKeySetSource.usableKeys(jwks(file));

        assertThat(usable.keySet()).containsExactlyInAnyOrderElementsOf(expectedKids(file));
        usable.forEach((kid, key) -> assertThat(key.getModulus()).isEqualTo(modulus(file, kid)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keysDocuments")
    void fetchesEachDocumentOverHttp(String file) throws IOException, KeySetFetchException {
        try (JwksServer server = JwksServer.startRaw(DATA.text(file))) {
            JwksKeySetSource source = new JwksKeySetSource(server.keysUrl());
            if (expectedKids(file).isEmpty()) {
                assertThatThrownBy(source::fetch).isInstanceOf(KeySetFetchException.class);
            } else {
                assertThat(source.fetch().keySet()).containsExactlyInAnyOrderElementsOf(expectedKids(file));
            }
            assertThat(server.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void readsTheCommonEndpointDocumentWithItsTenantTemplateAndConsumerTenantKeys() {
        Set<String> issuers = new LinkedHashSet<>();
        DATA.json("keys-04.json").get("keys").forEach(key -> issuers.add(key.path("issuer").asText()));
        assertThat(issuers).contains("https://login.microsoftonline.com/{tenantid}/v2.0",
                "https://login.microsoftonline.com/" + MSA_TENANT + "/v2.0");

        assertThat(JwksKeySetSource.usableKeys(jwks("keys-04.json")).keySet())
                .containsExactlyInAnyOrderElementsOf(manifestKids("keys-04.json"));
    }

    @Test
    void everyDocumentListedAsNotRs256ExistsAndHasRsaKeys() {
        assertThat(keysDocuments()).containsAll(NOT_RS256_KEYS.keySet());
        NOT_RS256_KEYS.keySet().forEach(file -> assertThat(rsaKidsOfAtLeast2048Bits(file)).isNotEmpty());
    }

    /** The document's RSA keys of at least 2048 bits, unless the document is listed in {@link #NOT_RS256_KEYS}. */
    private static Set<String> expectedKids(String file) {
        return NOT_RS256_KEYS.containsKey(file) ? Set.of() : rsaKidsOfAtLeast2048Bits(file);
    }

    private static Set<String> rsaKidsOfAtLeast2048Bits(String file) {
        Set<String> kids = new LinkedHashSet<>();
        for (JsonNode key : DATA.json(file).get("keys")) {
            String kid = key.get("kid").asText();
            if ("RSA".equals(key.path("kty").asText()) && modulus(file, kid).bitLength() >= 2048) {
                kids.add(kid);
            }
        }
        return kids;
    }

    /** {@code n} of the key, read leniently (keys-09 writes it in standard base64). */
    private static BigInteger modulus(String file, String kid) {
        for (JsonNode key : DATA.json(file).get("keys")) {
            if (kid.equals(key.get("kid").asText())) {
                String n = key.get("n").asText().replace('-', '+').replace('_', '/').replace("=", "");
                return new BigInteger(1, Base64.getDecoder().decode(n + "==".substring(0, (4 - n.length() % 4) % 4)));
            }
        }
        throw new IllegalArgumentException(file + " has no key " + kid);
    }

    private static List<String> manifestKids(String file) {
        List<String> kids = new ArrayList<>();
        MANIFEST.get("keys").get(file).get("kids").forEach(kid -> kids.add(kid.asText()));
        return kids;
    }

    private static List<Jwk> jwks(String file) {
        List<Jwk> jwks = new ArrayList<>();
        DATA.json(file).get("keys").forEach(key -> jwks.add(Jwk.fromValues(MAPPER.convertValue(key, JSON_OBJECT))));
        return jwks;
    }
}
