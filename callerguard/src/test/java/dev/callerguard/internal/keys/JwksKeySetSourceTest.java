package dev.callerguard.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callerguard.testing.JwksServer;
import dev.callerguard.testing.TestKeys;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link JwksKeySetSource} reading a real key endpoint ({@link JwksServer}) over HTTP. Each test serves the
 * primary key, which is usable, next to one key that differs from a usable key in one respect.
 */
class JwksKeySetSourceTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PRIMARY = TestKeys.PRIMARY.kid();

    private JwksServer server;
    private JwksKeySetSource source;

    @BeforeEach
    void startKeyEndpoint() throws IOException {
        server = JwksServer.start(TestKeys.PRIMARY);
        source = new JwksKeySetSource(server.keysUrl());
    }

    @AfterEach
    void stopKeyEndpoint() {
        server.close();
    }

    // --- keys kept -------------------------------------------------------------------------------------------

    @Test
    void keepsAnRsa2048SigningKey() throws KeySetFetchException {
        Map<String, RSAPublicKey> keys = source.fetch();

        assertThat(keys).containsOnlyKeys(PRIMARY);
        assertSameKey(keys.get(PRIMARY), TestKeys.PRIMARY.publicKey());
    }

    @Test
    void keepsAKeyWithoutUse() throws KeySetFetchException {
        serveKeys(usable(TestKeys.SECONDARY, jwk -> jwk.remove("use")));

        assertThat(source.fetch()).containsOnlyKeys(TestKeys.SECONDARY.kid());
    }

    @Test
    void keepsAKeyThatNamesRs256() throws KeySetFetchException {
        serveKeys(usable(TestKeys.SECONDARY, jwk -> jwk.put("alg", "RS256")));

        assertThat(source.fetch()).containsOnlyKeys(TestKeys.SECONDARY.kid());
    }

    @Test
    void keepsAKeyWhoseKeyOpsIncludeVerify() throws KeySetFetchException {
        serveKeys(usable(TestKeys.SECONDARY, jwk -> jwk.put("key_ops", List.of("verify"))));

        assertThat(source.fetch()).containsOnlyKeys(TestKeys.SECONDARY.kid());
    }

    @Test
    void keepsEveryUsableKeyOfTheSet() throws KeySetFetchException {
        server.serve(TestKeys.PRIMARY, TestKeys.SECONDARY, TestKeys.OTHER);

        Map<String, RSAPublicKey> keys = source.fetch();

        assertThat(keys).containsOnlyKeys(PRIMARY, TestKeys.SECONDARY.kid(), TestKeys.OTHER.kid());
        assertSameKey(keys.get(TestKeys.SECONDARY.kid()), TestKeys.SECONDARY.publicKey());
    }

    @Test
    void readsTheEndpointAgainOnEveryFetch() throws KeySetFetchException {
        server.serve(TestKeys.PRIMARY, TestKeys.SECONDARY);
        source.fetch();
        server.serve(TestKeys.SECONDARY);

        Map<String, RSAPublicKey> keys = source.fetch();

        assertThat(keys).containsOnlyKeys(TestKeys.SECONDARY.kid());
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void keepsAKeyWithTheSmallestSaneExponent() throws KeySetFetchException {
        serveKeys(usable(TestKeys.SECONDARY, jwk -> jwk.put("e", unsigned(BigInteger.valueOf(3)))));

        Map<String, RSAPublicKey> keys = source.fetch();

        assertThat(keys).containsOnlyKeys(TestKeys.SECONDARY.kid());
        assertThat(keys.get(TestKeys.SECONDARY.kid()).getPublicExponent()).isEqualTo(BigInteger.valueOf(3));
    }

    // --- keys dropped ----------------------------------------------------------------------------------------

    @Test
    void dropsAnEcKey() throws KeySetFetchException {
        serveKeys(primary(), ecJwk("ec-key"));

        assertThat(source.fetch()).containsOnlyKeys(PRIMARY);
    }

    @Test
    void dropsASymmetricKey() throws KeySetFetchException {
        Map<String, Object> oct = new LinkedHashMap<>();
        oct.put("kty", "oct");
        oct.put("kid", "hmac-key");
        oct.put("k", Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]));
        serveKeys(primary(), oct);

        assertThat(source.fetch()).containsOnlyKeys(PRIMARY);
    }

    @Test
    void dropsAnEncryptionKey() throws KeySetFetchException {
        serveKeys(primary(), usable(TestKeys.SECONDARY, jwk -> jwk.put("use", "enc")));

        assertThat(source.fetch()).containsOnlyKeys(PRIMARY);
    }

    @ParameterizedTest(name = "alg {0}")
    @ValueSource(strings = {"RS384", "RS512", "PS256", "ES256", "HS256", "none", "rs256"})
    void dropsAKeyForAnotherAlgorithm(String alg) throws KeySetFetchException {
        serveKeys(primary(), usable(TestKeys.SECONDARY, jwk -> jwk.put("alg", alg)));

        assertThat(source.fetch()).containsOnlyKeys(PRIMARY);
    }

    @Test
    void dropsAKeyWhoseKeyOpsLackVerify() throws KeySetFetchException {
        serveKeys(primary(), usable(TestKeys.SECONDARY, jwk -> jwk.put("key_ops", List.of("encrypt", "wrapKey"))));

        assertThat(source.fetch()).containsOnlyKeys(PRIMARY);
    }

    @Test
    void dropsA1024BitKey() throws KeySetFetchException {
        serveKeys(primary(), TestKeys.generate("weak-key", 1024).jwk());

        assertThat(source.fetch()).containsOnlyKeys(PRIMARY);
    }

    @ParameterizedTest(name = "e = {0}")
    @ValueSource(ints = {1, 4, 65536})
    void dropsAKeyWithAnInsaneExponent(int exponent) throws KeySetFetchException {
        serveKeys(primary(), usable(TestKeys.SECONDARY, jwk -> jwk.put("e", unsigned(BigInteger.valueOf(exponent)))));

        assertThat(source.fetch()).containsOnlyKeys(PRIMARY);
    }

    /**
     * Second review, finding "the key filter has no upper bound on the RSA exponent or modulus": a key endpoint
     * serving a 3072-bit n with a 3071-bit e made every forged token cost 9 ms on the JDK's provider, a 16384-bit n
     * 1-2 ms. Now e is at most 2^32 - 1 and n 2048 to 4096 bits; other keys are dropped alone.
     */
    @Test
    void dropsAKeyWhoseExponentIsLongerThan32Bits() throws KeySetFetchException {
        TestKeys large = TestKeys.generate("large-key", 3072);
        BigInteger hugeOdd = BigInteger.ONE.shiftLeft(3070).setBit(0);
        BigInteger justOver32Bits = BigInteger.ONE.shiftLeft(32).add(BigInteger.ONE);
        serveKeys(primary(), usable(large, jwk -> jwk.put("e", unsigned(hugeOdd))),
                usable(TestKeys.SECONDARY, jwk -> jwk.put("e", unsigned(justOver32Bits))));

        assertThat(source.fetch()).containsOnlyKeys(PRIMARY);
    }

    @Test
    void keepsAKeyWhoseExponentIsTheLargest32BitOne() throws KeySetFetchException {
        BigInteger largest = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
        serveKeys(primary(), usable(TestKeys.SECONDARY, jwk -> jwk.put("e", unsigned(largest))));

        assertThat(source.fetch()).containsOnlyKeys(PRIMARY, TestKeys.SECONDARY.kid());
        assertThat(source.fetch().get(TestKeys.SECONDARY.kid()).getPublicExponent()).isEqualTo(largest);
    }

    @Test
    void dropsAKeyOfMoreThan4096BitsAndKeepsOneOf4096() throws KeySetFetchException {
        BigInteger modulus16384 = BigInteger.ONE.shiftLeft(16383).setBit(0).setBit(1);
        TestKeys largest = TestKeys.generate("rsa-4096", 4096);
        serveKeys(primary(), usable(TestKeys.SECONDARY, jwk -> jwk.put("n", unsigned(modulus16384))), largest.jwk());

        assertThat(source.fetch()).containsOnlyKeys(PRIMARY, "rsa-4096");
    }

    @Test
    void dropsBothKeysOfADuplicateKid() throws KeySetFetchException {
        serveKeys(TestKeys.SECONDARY.jwk(), primary(), TestKeys.generate(PRIMARY).jwk());

        assertThat(source.fetch()).containsOnlyKeys(TestKeys.SECONDARY.kid());
    }

    @Test
    void dropsAKeyWithoutKid() throws KeySetFetchException {
        serveKeys(primary(), usable(TestKeys.SECONDARY, jwk -> jwk.remove("kid")));

        assertThat(source.fetch()).containsOnlyKeys(PRIMARY);
    }

    @Test
    void dropsAKeyWithAnEmptyKid() throws KeySetFetchException {
        serveKeys(primary(), usable(TestKeys.SECONDARY, jwk -> jwk.put("kid", "")));

        assertThat(source.fetch()).containsOnlyKeys(PRIMARY);
    }

    /**
     * RFC 7517 section 5: implementations SHOULD ignore JWKs that are missing required members or whose values
     * they do not understand, so one odd entry must not cost the whole key set.
     */
    static Stream<Arguments> malformedEntries() {
        return Stream.of(
                Arguments.of("without kty", (Consumer<Map<String, Object>>) jwk -> jwk.remove("kty")),
                Arguments.of("kid not a string", (Consumer<Map<String, Object>>) jwk -> jwk.put("kid", 7)),
                Arguments.of("use not a string", (Consumer<Map<String, Object>>) jwk -> jwk.put("use", List.of("sig"))),
                Arguments.of("x5c not an array", (Consumer<Map<String, Object>>) jwk -> jwk.put("x5c", "MIIB")));
    }

    @ParameterizedTest(name = "entry {0}")
    @MethodSource("malformedEntries")
    void dropsAMalformedEntryAndKeepsTheOtherKeys(String entry, Consumer<Map<String, Object>> malform)
            throws KeySetFetchException {
        serveKeys(primary(), usable(TestKeys.SECONDARY, malform));

        assertThat(source.fetch()).containsOnlyKeys(PRIMARY);
    }

    /**
     * Second review, finding 4: the strict JSON limits applied to the whole document, so one entry with a repeated
     * member, an overlong string or number or deep nesting cost the good key beside it (503 on a cold cache). They
     * apply to each entry now; the odd entry is dropped alone, over HTTP and for a document at hand.
     */
    static Stream<Arguments> entriesBeyondTheStrictLimits() throws JsonProcessingException {
        String secondary = MAPPER.writeValueAsString(TestKeys.SECONDARY.jwk());
        String body = secondary.substring(1);
        return Stream.of(
                Arguments.of("a member twice", "{\"kid\":\"twice\"," + body),
                Arguments.of("a 16 Ki + 1 character string", "{\"x5t\":\"" + "a".repeat(16 * 1024 + 1) + "\"," + body),
                Arguments.of("a 33-digit number", "{\"iat\":" + "1".repeat(33) + "," + body),
                // Review of this fix: the copy rounded a float to a double (17 digits), so the entry was kept.
                Arguments.of("a 61-digit float", "{\"x\":1." + "1".repeat(60) + "," + body),
                Arguments.of("nesting 17 deep", "{\"ext\":" + "[".repeat(16) + "]".repeat(16) + "," + body));
    }

    @ParameterizedTest(name = "entry with {0}")
    @MethodSource("entriesBeyondTheStrictLimits")
    void anEntryBeyondTheStrictLimitsIsDroppedAloneAndTheOtherKeysKept(String odd, String entry) throws Exception {
        String document = "{\"keys\":[" + MAPPER.writeValueAsString(primary()) + "," + entry + "]}";
        server.serveRaw(200, document);

        assertThat(source.fetch()).containsOnlyKeys(PRIMARY);
        assertThat(JwksKeySetSource.fromDocument(document.getBytes(StandardCharsets.UTF_8))).containsOnlyKeys(PRIMARY);
    }

    /**
     * RFC 8259 section 8.1: a JSON text exchanged between systems is UTF-8. Jackson's own decoding of bytes would
     * guess UTF-16 from zero bytes, skip a byte-order mark and let overlong sequences and encoded surrogates in
     * members it skips through; the document is decoded strictly first (found by research for the next issue).
     */
    static Stream<Arguments> documentsThatAreNotUtf8() throws JsonProcessingException {
        String good = "{\"keys\":[" + MAPPER.writeValueAsString(TestKeys.PRIMARY.jwk()) + "]}";
        return Stream.of(
                Arguments.of("a UTF-8 byte-order mark", concat("", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                        good)),
                Arguments.of("UTF-16", good.getBytes(StandardCharsets.UTF_16BE)),
                Arguments.of("an overlong quote in a member that is skipped",
                        concat("{\"x\":\"", new byte[] {(byte) 0xC0, (byte) 0xA2}, "\"," + good.substring(1))),
                Arguments.of("an encoded surrogate in a member that is skipped",
                        concat("{\"x\":\"", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"," + good.substring(1))));
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        byte[] head = before.getBytes(StandardCharsets.UTF_8);
        byte[] tail = after.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + middle.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(middle, 0, all, head.length, middle.length);
        System.arraycopy(tail, 0, all, head.length + middle.length, tail.length);
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentsThatAreNotUtf8")
    void refusesADocumentThatIsNotUtf8(String what, byte[] document) {
        assertThatThrownBy(() -> JwksKeySetSource.fromDocument(document)).isInstanceOf(KeySetFetchException.class)
                .hasMessage("not a JWKS document");
    }

    @Test
    void aDocumentInUtf8WithAnyCharacterIsRead() throws Exception {
        byte[] good = ("{\"x\":\"\u00e4\u20ac\ud83d\ude00\",\"keys\":[" + MAPPER.writeValueAsString(TestKeys.PRIMARY.jwk())
                + "]}").getBytes(StandardCharsets.UTF_8);

        assertThat(JwksKeySetSource.fromDocument(good)).containsOnlyKeys(PRIMARY);
    }

    @Test
    void refusesADocumentThatNamesItsKeysTwice() throws Exception {
        String keys = "[" + MAPPER.writeValueAsString(primary()) + "]";
        server.serveRaw(200, "{\"keys\":" + keys + ",\"keys\":" + keys + "}");

        assertThatThrownBy(source::fetch).isInstanceOf(KeySetFetchException.class);
    }

    @Test
    void refusesADocumentWithDataAfterIt() throws Exception {
        server.serveRaw(200, "{\"keys\":[" + MAPPER.writeValueAsString(primary()) + "]} {}");

        assertThatThrownBy(source::fetch).isInstanceOf(KeySetFetchException.class);
    }

    // --- documents refused -----------------------------------------------------------------------------------

    @Test
    void refusesADocumentWithNoUsableKey() {
        serveKeys(ecJwk("ec-key"), TestKeys.generate("weak-key", 1024).jwk(),
                usable(TestKeys.SECONDARY, jwk -> jwk.put("use", "enc")));

        assertThatThrownBy(source::fetch).isInstanceOf(KeySetFetchException.class);
    }

    static Stream<Arguments> unusableAnswers() throws JsonProcessingException {
        String validDocument = MAPPER.writeValueAsString(Map.of("keys", List.of(TestKeys.PRIMARY.jwk())));
        return Stream.of(
                Arguments.of("500 with a valid key set", 500, validDocument),
                Arguments.of("404", 404, "{\"error\":\"not found\"}"),
                Arguments.of("HTML", 200, "<!DOCTYPE html><html><body>Sign in</body></html>"),
                Arguments.of("garbage", 200, "\u0000\u00ff{{"),
                Arguments.of("empty body", 200, ""),
                Arguments.of("empty key array", 200, "{\"keys\":[]}"),
                Arguments.of("no keys member", 200, "{\"jwks\":[]}"),
                Arguments.of("keys not an array", 200, "{\"keys\":\"" + PRIMARY + "\"}"),
                Arguments.of("a JSON array", 200, "[" + MAPPER.writeValueAsString(TestKeys.PRIMARY.jwk()) + "]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableAnswers")
    void refusesAnUnusableAnswer(String answer, int status, String body) {
        server.serveRaw(status, body);

        assertThatThrownBy(source::fetch).isInstanceOf(KeySetFetchException.class);
    }

    @Test
    void refusesAnUnreachablePort() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        JwksKeySetSource unreachable = new JwksKeySetSource(URI.create("http://127.0.0.1:" + closedPort + "/keys"));

        assertThatThrownBy(unreachable::fetch).isInstanceOf(KeySetFetchException.class);
    }

    @Test
    void refusesAnEndpointThatNeverAnswers() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            JwksKeySetSource waiting = new JwksKeySetSource(
                    URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/keys"));

            assertThatThrownBy(waiting::fetch).isInstanceOf(KeySetFetchException.class);
        }
    }

    // --- a document at hand -------------------------------------------------------------------------------------

    @Test
    void readsTheUsableKeysOfADocumentAtHand() throws Exception {
        byte[] document = MAPPER.writeValueAsBytes(Map.of("keys", List.of(primary(), ecJwk("ec-key"),
                TestKeys.SECONDARY.jwk())));

        Map<String, RSAPublicKey> keys = JwksKeySetSource.fromDocument(document);

        assertThat(keys).containsOnlyKeys(PRIMARY, TestKeys.SECONDARY.kid());
        assertSameKey(keys.get(PRIMARY), TestKeys.PRIMARY.publicKey());
        assertThat(server.requestCount()).as("nothing fetched").isZero();
    }

    @Test
    void refusesADocumentAtHandWithNoUsableKey() throws Exception {
        byte[] document = MAPPER.writeValueAsBytes(Map.of("keys", List.of(ecJwk("ec-key"),
                TestKeys.generate("weak-key", 1024).jwk())));

        assertThatThrownBy(() -> JwksKeySetSource.fromDocument(document)).isInstanceOf(KeySetFetchException.class)
                .hasMessage("the key set holds no usable RS256 key");
    }

    @ParameterizedTest(name = "document [{0}]")
    @ValueSource(strings = {"{\"jwks\":[]}", "{\"keys\":{}}", "[]", "null", ""})
    void refusesADocumentAtHandThatHasNoKeysArray(String document) {
        assertThatThrownBy(() -> JwksKeySetSource.fromDocument(document.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(KeySetFetchException.class).hasMessage("not a JWKS document");
    }

    // --- fixtures --------------------------------------------------------------------------------------------

    private static Map<String, Object> primary() {
        return TestKeys.PRIMARY.jwk();
    }

    /** The keys' usable JWK with one change. */
    private static Map<String, Object> usable(TestKeys keys, Consumer<Map<String, Object>> change) {
        Map<String, Object> jwk = keys.jwk();
        change.accept(jwk);
        return jwk;
    }

    @SafeVarargs
    private void serveKeys(Map<String, Object>... jwks) {
        try {
            server.serveRaw(200, MAPPER.writeValueAsString(Map.of("keys", Arrays.asList(jwks))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> ecJwk(String kid) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            ECPublicKey key = (ECPublicKey) generator.generateKeyPair().getPublic();
            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("kty", "EC");
            jwk.put("use", "sig");
            jwk.put("kid", kid);
            jwk.put("crv", "P-256");
            jwk.put("x", coordinate(key.getW().getAffineX()));
            jwk.put("y", coordinate(key.getW().getAffineY()));
            return jwk;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String coordinate(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes[0] == 0 && bytes.length > 1) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void assertSameKey(RSAPublicKey actual, RSAPublicKey expected) {
        assertThat(actual.getModulus()).isEqualTo(expected.getModulus());
        assertThat(actual.getPublicExponent()).isEqualTo(expected.getPublicExponent());
    }
}
