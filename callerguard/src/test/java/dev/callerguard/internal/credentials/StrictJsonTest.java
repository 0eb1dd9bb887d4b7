package dev.callerguard.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.callerguard.internal.decision.Refusal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link StrictJson}: credentials read as RFC 8259 objects, strictly, into plain Java values. */
class StrictJsonTest {
    private static final Refusal REFUSAL = Refusal.MALFORMED_TOKEN;

    /** Every leniency Jackson offers, with texts that only it would let through. */
    private static final Map<JsonReadFeature, List<String>> LENIENCIES = new EnumMap<>(Map.ofEntries(
            Map.entry(JsonReadFeature.ALLOW_JAVA_COMMENTS, List.of("{\"a\":1/*c*/}", "{\"a\":1}//c", "/**/{}")),
            Map.entry(JsonReadFeature.ALLOW_YAML_COMMENTS, List.of("{\"a\":1}#c", "{#c\n\"a\":1}")),
            Map.entry(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS,
                    List.of("{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-Infinity}", "{\"a\":+Infinity}")),
            Map.entry(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS, List.of("{\"a\":01}", "{\"a\":-00.5}")),
            Map.entry(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS, List.of("{\"a\":+1}", "{\"a\":+0.5}")),
            Map.entry(JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS, List.of("{\"a\":.5}", "{\"a\":-.5}")),
            Map.entry(JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS, List.of("{\"a\":5.}", "{\"a\":5.e1}")),
            Map.entry(JsonReadFeature.ALLOW_SINGLE_QUOTES, List.of("{'a':1}", "{\"a\":'x'}")),
            Map.entry(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES, List.of("{a:1}", "{\"a\":1,b:2}")),
            Map.entry(JsonReadFeature.ALLOW_TRAILING_COMMA, List.of("{\"a\":1,}", "{\"a\":[1,]}")),
            Map.entry(JsonReadFeature.ALLOW_MISSING_VALUES, List.of("{\"a\":[1,,2]}", "{\"a\":[,1]}")),
            Map.entry(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS, List.of("{\"a\":\"x\ty\"}", "{\"x\ny\":1}")),
            Map.entry(JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER, List.of("{\"a\":\"\\'\"}",
                    "{\"a\":\"\\x41\"}")),
            Map.entry(JsonReadFeature.ALLOW_RS_CONTROL_CHAR, List.of("\u001e{\"a\":1}", "{\"a\":1}\u001e"))));

    private static Map<String, Object> parse(String json) throws MalformedCredentialException {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> parse(byte[] json) throws MalformedCredentialException {
        return StrictJson.object(json, REFUSAL);
    }

    private static void assertRefused(byte[] json) {
        assertThatThrownBy(() -> parse(json)).isInstanceOfSatisfying(MalformedCredentialException.class,
                e -> assertThat(e.refusal()).isEqualTo(REFUSAL));
    }

    private static void assertRefused(String json) {
        assertRefused(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    /** {@code {"a":"<bytes>"}} with the given bytes between the quotes. */
    private static byte[] stringHolding(int... values) {
        byte[] prefix = "{\"a\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] json = Arrays.copyOf(prefix, prefix.length + values.length + 2);
        System.arraycopy(bytes(values), 0, json, prefix.length, values.length);
        json[json.length - 2] = '"';
        json[json.length - 1] = '}';
        return json;
    }

    @Test
    void readsEveryKindOfValue() throws Exception {
        Map<String, Object> object = parse("{\"s\":\"text\",\"i\":42,\"l\":1767225600123,\"d\":1.5,\"e\":2E3,"
                + "\"t\":true,\"f\":false,\"n\":null,\"a\":[1,\"x\",[]],\"o\":{\"k\":{}}}");

        assertThat(object).containsEntry("s", "text").containsEntry("i", 42).containsEntry("l", 1_767_225_600_123L)
                .containsEntry("d", 1.5).containsEntry("e", 2000.0).containsEntry("t", true)
                .containsEntry("f", false).containsEntry("n", null)
                .containsEntry("a", List.of(1, "x", List.of())).containsEntry("o", Map.of("k", Map.of()));
    }

    @Test
    void keepsTheMembersInTheirOrder() throws Exception {
        assertThat(parse("{\"z\":1,\"a\":2,\"m\":3,\"o\":{\"y\":1,\"b\":2}}"))
                .hasToString("{z=1, a=2, m=3, o={y=1, b=2}}");
    }

    @Test
    void answersContainsValueForNullsNestedValuesAndAbsentOnes() throws Exception {
        Map<String, Object> object = parse("{\"a\":null,\"o\":{\"k\":1},\"s\":\"x\"}");

        assertThat(object.containsValue(null)).isTrue();
        assertThat(object.containsValue(Map.of("k", 1))).isTrue();
        assertThat(object.containsValue("x")).isTrue();
        assertThat(object.containsValue(1)).isFalse();
        assertThat(parse("{\"a\":1}").containsValue(null)).isFalse();
    }

    @Test
    void returnsUnmodifiableObjectsAndArrays() throws Exception {
        Map<String, Object> object = parse("{\"a\":[1],\"o\":{\"k\":1}}");

        assertThatThrownBy(() -> object.put("b", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<?>) object.get("a")).clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((Map<?, ?>) object.get("o")).clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> object.entrySet().iterator().next().setValue(2))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void readsIntegersIntoTheSmallestTypeThatHoldsThem() throws Exception {
        Map<String, Object> object = parse("{\"int\":-2147483648,\"ten\":2147483647,\"long\":2147483648,"
                + "\"max\":9223372036854775807,\"min\":-9223372036854775808,\"big\":9223372036854775808,"
                + "\"small\":-9223372036854775809,\"zero\":-0}");

        assertThat(object.get("int")).isEqualTo(Integer.MIN_VALUE);
        assertThat(object.get("ten")).isEqualTo(Integer.MAX_VALUE);
        assertThat(object.get("long")).isEqualTo(2_147_483_648L);
        assertThat(object.get("max")).isEqualTo(Long.MAX_VALUE);
        assertThat(object.get("min")).isEqualTo(Long.MIN_VALUE);
        assertThat(object.get("big")).isEqualTo(new BigInteger("9223372036854775808"));
        assertThat(object.get("small")).isEqualTo(new BigInteger("-9223372036854775809"));
        assertThat(object.get("zero")).isEqualTo(0);
    }

    @Test
    void readsOtherNumbersAsFiniteDoubles() throws Exception {
        Map<String, Object> object = parse("{\"a\":-0.5e-300,\"b\":1e-400,\"c\":1.7976931348623157e308,\"d\":-0.0}");

        assertThat(object).containsEntry("a", -0.5e-300).containsEntry("b", 0.0)
                .containsEntry("c", Double.MAX_VALUE).containsEntry("d", -0.0);
    }

    @Test
    void readsEveryEscape() throws Exception {
        assertThat(parse("{\"a\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\u00e9 \\uD83D\\uDE00 \\u0000\"}").get("a"))
                .isEqualTo("\" \\ / \b \f \n \r \t A \u00e9 \ud83d\ude00 \u0000");
    }

    @Test
    void readsMultiByteUtf8() throws Exception {
        assertThat(parse("{\"a\":\"caf\u00e9 \u20ac \ud83d\ude00\"}").get("a")).isEqualTo("caf\u00e9 \u20ac \ud83d\ude00");
    }

    @Test
    void readsAnEscapedNameAsTheSameName() throws Exception {
        assertThat(parse("{\"\\u006fid\":\"x\"}")).containsEntry("oid", "x");
    }

    @Test
    void readsNamesAsTheyAreIncludingTheEmptyOne() throws Exception {
        Map<String, Object> object = parse("{\"oid\":1,\"roles\":2,\"xms_mirid\":3,\"oi\":4,\"oidx\":5,\"\":6}");

        assertThat(object.keySet()).containsExactly("oid", "roles", "xms_mirid", "oi", "oidx", "");
    }

    @Test
    void readsManyNamesOfTheSameHashCode() throws Exception {
        // 512 names of one length whose hashes (h * 33 + c, as Jackson's symbol table computes them) are equal
        // whatever the seed: with canonicalized names Jackson refuses them as a suspected hash collision attack.
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            StringBuilder name = new StringBuilder();
            for (int bit = 0; bit < 9; bit++) {
                name.append((i >> bit & 1) == 0 ? "aB" : "b!");
            }
            names.add(name.toString());
        }
        String json = "{\"" + String.join("\":0,\"", names) + "\":0}";

        assertThat(parse(json).keySet()).containsExactlyElementsOf(names);
    }

    @Test
    void acceptsWhitespaceAroundEveryToken() throws Exception {
        assertThat(parse(" \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } } \n")).containsEntry("a", List.of(1, 2));
    }

    @Test
    void acceptsNestingUpToTheLimit() throws Exception {
        int arrays = StrictJson.MAX_NESTING - 1;
        assertThat(parse("{\"a\":" + "[".repeat(arrays) + "]".repeat(arrays) + "}")).containsKey("a");
        assertThat(parse("{\"a\":".repeat(StrictJson.MAX_NESTING) + "1" + "}".repeat(StrictJson.MAX_NESTING)))
                .containsKey("a");
    }

    @Test
    void refusesNestingBeyondTheLimit() {
        int arrays = StrictJson.MAX_NESTING;
        assertRefused("{\"a\":" + "[".repeat(arrays) + "]".repeat(arrays) + "}");
        assertRefused("{\"a\":".repeat(StrictJson.MAX_NESTING + 1) + "1" + "}".repeat(StrictJson.MAX_NESTING + 1));
    }

    @Test
    void refusesDeepNestingWithoutOverflowingTheStack() {
        assertRefused("{\"a\":" + "[".repeat(100_000));
        assertRefused("{\"a\":".repeat(100_000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"a\":1,\"\\u0061\":2}", "{\"a\":null,\"a\":null}",
        "{\"o\":{\"k\":1,\"k\":1}}", "{\"oid\":\"x\",\"b\":1,\"c\":2,\"d\":3,\"\\u006f\\u0069\\u0064\":\"y\"}",
        "{\"a\":[1,{\"k\":[],\"k\":{}}]}", "{\"\":1,\"\":1}", "{\"a\":{\"a\":1},\"a\":1}"})
    void refusesDuplicateNamesAfterUnescaping(String json) {
        assertRefused(json);
    }

    @Test
    void acceptsTheSameNameInDifferentObjectsAndNamesThatDifferOnlyInCase() throws Exception {
        assertThat(parse("{\"k\":{\"k\":1},\"l\":[{\"k\":2},{\"k\":3}],\"K\":4}")).containsKeys("k", "l", "K");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "[]", "\"a\"", "1", "null", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
        "{,\"a\":1}", "{\"a\":1}{}", "{\"a\":1} x", "{\"a\":[1,]}", "{\"a\":[,1]}", "{\"a\" 1}", "{'a':1}", "{a:1}",
        "{\"a\":tru}", "{\"a\":True}", "{\"a\":nul}", "{\"a\":falsey}", "{\"a\":1 2}", "{\"a\":\"x\" \"y\"}",
        "{\"a\":1}\u0000", "{\"a\":1/*c*/}", "{\"a\":1}//c", "{\"a\":1}#c", "{\"a\":undefined}", "{\"a\":1}[]",
        "{\"a\":1}\"x\"", "{\"a\":1}1"})
    void refusesWhatIsNotOneObject(String json) {
        assertRefused(json);
    }

    static Stream<Arguments> leniencies() {
        return LENIENCIES.entrySet().stream()
                .flatMap(entry -> entry.getValue().stream().map(json -> Arguments.of(entry.getKey(), json)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("leniencies")
    void refusesEveryLeniencyJacksonOffers(JsonReadFeature leniency, String json) {
        assertRefused(json);
    }

    @Test
    void coversEveryLeniencyJacksonOffers() {
        // A Jackson upgrade that brings a new leniency fails here until StrictJson and this test name it.
        assertThat(LENIENCIES.keySet()).containsExactlyInAnyOrder(JsonReadFeature.values());
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "-01", "+1", ".5", "5.", "1.e5", "1e", "1e+", "-", "--1", "NaN", "-NaN",
        "Infinity", "-Infinity", "0x10", "1_000", "1,5", "1e400", "-1e400", "1e999999",
        "123456789012345678901234567890123", "1.00000000000000000000000000000000", "1e00000000000000000000000000000001",
        "\u0661"})
    void refusesNumbersJsonDoesNotAllowOrThatAreOutOfRange(String number) {
        assertRefused("{\"a\":" + number + "}");
    }

    @Test
    void acceptsNumbersOfExactlyTheMaximumLength() throws Exception {
        String digits = "9".repeat(StrictJson.MAX_NUMBER_LENGTH);
        assertThat(parse("{\"a\":" + digits + "}").get("a")).isEqualTo(new BigInteger(digits));
        assertThat(parse("{\"a\":-0.5e-300}").get("a")).isEqualTo(-0.5e-300);
    }

    @Test
    void boundsANumberByItsDigitsNotItsSignPointOrExponentMark() throws Exception {
        // Jackson counts digits; SECURITY.md says why the sign, '.' and 'e' need no bound of their own.
        String digits = "9".repeat(StrictJson.MAX_NUMBER_LENGTH);
        assertThat(parse("{\"a\":-" + digits + "}").get("a")).isEqualTo(new BigInteger("-" + digits));
        assertThat(parse("{\"a\":1." + "0".repeat(StrictJson.MAX_NUMBER_LENGTH - 1) + "}").get("a")).isEqualTo(1.0);
        assertThat(parse("{\"a\":-1." + "0".repeat(StrictJson.MAX_NUMBER_LENGTH - 3) + "e+1}").get("a"))
                .isEqualTo(-10.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\x41", "\\u00", "\\u00G0", "\\U0041", "\\'", "\\a", "\\", "\\uD83D", "\\uD83Dx",
        "\\uD83D\\u0041", "\\uDE00", "\\uDE00\\uD83D", "\\uD83D\\n", "x\\uDFFF", "\\uD800\\uD800\\uDC00"})
    void refusesBadEscapesAndLoneSurrogates(String escape) {
        assertRefused("{\"a\":\"" + escape + "\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\uD83D", "\\uDE00", "a\\uDBFFb", "\\uDE00\\uD83D"})
    void refusesLoneSurrogatesInNames(String escape) {
        assertRefused("{\"" + escape + "\":1}");
        assertRefused("{\"o\":{\"" + escape + "\":1}}");
    }

    @Test
    void refusesLoneSurrogatesInNestedStrings() {
        assertRefused("{\"a\":[\"x\",\"\\uD800\"]}");
        assertRefused("{\"a\":{\"b\":\"\\uDC00\"}}");
    }

    @Test
    void refusesUnescapedControlCharacters() {
        for (int c = 0; c < 0x20; c++) {
            assertRefused(stringHolding('x', c, 'y'));
        }
    }

    @Test
    void acceptsDeleteUnescaped() throws Exception {
        assertThat(parse(stringHolding('x', 0x7F))).containsEntry("a", "x\u007f");
    }

    @Test
    void refusesMalformedUtf8() {
        assertRefused(stringHolding(0x80));                    // continuation byte alone
        assertRefused(stringHolding(0xC3));                    // lead byte without continuation
        assertRefused(stringHolding(0xC3, 0x41));              // lead byte followed by ASCII
        assertRefused(stringHolding(0xC0, 0xAF));              // overlong '/'
        assertRefused(stringHolding(0xC1, 0xBF));              // overlong
        assertRefused(stringHolding(0xE0, 0x80, 0xAF));        // overlong '/' in three bytes
        assertRefused(stringHolding(0xF0, 0x80, 0x80, 0xAF));  // overlong '/' in four bytes
        assertRefused(stringHolding(0xED, 0xA0, 0x80));        // UTF-16 surrogate D800 encoded
        assertRefused(stringHolding(0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80));  // a surrogate pair encoded (CESU-8)
        assertRefused(stringHolding(0xF4, 0x90, 0x80, 0x80));  // above U+10FFFF
        assertRefused(stringHolding(0xF5, 0x80, 0x80, 0x80));
        assertRefused(stringHolding(0xFE));
        assertRefused(stringHolding(0xFF));
        assertRefused(bytes('{', '"', 0xC3, '"', ':', '1', '}'));  // in a name
    }

    /**
     * What Jackson's own byte parser (UTF8StreamJsonParser, 2.22) reads as plain characters, and the strict decode
     * refuses: overlong forms of the quote, the backslash and NUL, in values and in names. It is why credentials are
     * decoded as strict UTF-8 before Jackson reads them (BENCHMARKS.md, issue "A fresh token's Java cost cut in
     * half").
     */
    @Test
    void refusesOverlongFormsOfJsonsOwnCharacters() {
        assertRefused(stringHolding(0xC0, 0xA2));              // overlong '"'
        assertRefused(stringHolding(0xC1, 0x9C));              // overlong '\'
        assertRefused(stringHolding(0xC0, 0x80));              // overlong NUL
        assertRefused(stringHolding(0xE0, 0x80, 0xA2));        // overlong '"' in three bytes
        assertRefused(stringHolding(0xE0, 0x9F, 0xBF));        // overlong U+07FF
        assertRefused(bytes('{', '"', 'k', '"', ':', '1', ',', '"', 0xC1, 0xAB, '"', ':', '2', '}'));  // 'k' again
        assertRefused(bytes('{', '"', 0xC0, 0xA2, '"', ':', '1', '}'));  // in a name
    }

    @Test
    void acceptsTheLargestCodePoints() throws Exception {
        assertThat(parse(stringHolding(0xF4, 0x8F, 0xBF, 0xBF)).get("a"))
                .isEqualTo(new String(Character.toChars(0x10FFFF)));
        assertThat(parse(stringHolding(0xEF, 0xBF, 0xBF)).get("a")).isEqualTo("\uffff");
    }

    @Test
    void refusesOtherEncodingsAndAByteOrderMark() {
        assertRefused("{\"a\":1}".getBytes(StandardCharsets.UTF_16BE));
        assertRefused("{\"a\":1}".getBytes(StandardCharsets.UTF_16LE));
        assertRefused("{\"a\":1}".getBytes(StandardCharsets.UTF_16));
        assertRefused(bytes(0xEF, 0xBB, 0xBF, '{', '}'));
        assertRefused(bytes(' ', 0xEF, 0xBB, 0xBF, '{', '}'));
    }

    @Test
    void acceptsAByteOrderMarkCharacterInsideAString() throws Exception {
        assertThat(parse("{\"a\":\"\ufeff\"}")).containsEntry("a", "\ufeff");
    }

    @Test
    void refusesNonAsciiOutsideStrings() {
        assertRefused(bytes('{', 0xC2, 0xA0, '}'));  // no-break space is not JSON whitespace
        assertRefused("{\"a\":1\u3000}");
        assertRefused("{\"a\":\u00a01}");
    }

    @Test
    void refusesAStringLongerThanTheLimit() throws Exception {
        String limit = "x".repeat(StrictJson.MAX_STRING_LENGTH);
        assertThat(parse("{\"a\":\"" + limit + "\"}").get("a")).isEqualTo(limit);
        assertRefused("{\"a\":\"" + limit + "x\"}");
        assertRefused("{\"a\":\"" + limit + "\\u0041\"}");
    }

    @Test
    void refusesANameLongerThanTheLimit() throws Exception {
        String limit = "x".repeat(StrictJson.MAX_STRING_LENGTH);
        assertThat(parse("{\"" + limit + "\":1}")).containsKey(limit);
        assertRefused("{\"" + limit + "x\":1}");
        assertRefused("{\"o\":{\"" + limit + "\\u0041\":1}}");
    }

    @Test
    void refusesTruncatedInputAtEveryLength() {
        String json = "{\"a\":[1,-2.5e3,true,null,\"x\\u0041\u00e9\"],\"b\":{\"c\":false}}";
        byte[] whole = json.getBytes(StandardCharsets.UTF_8);
        for (int length = 0; length < whole.length; length++) {
            assertRefused(Arrays.copyOf(whole, length));
        }
    }

    @Test
    void refusesWithTheGivenRefusalAndNothingOfTheInput() {
        String secret = "eyJzZWNyZXQiOiJ0b2tlbiJ9";
        for (String json : List.of("{\"" + secret + "\":1,\"" + secret + "\":2}", "{\"a\":" + secret + "}",
                "{\"a\":\"" + secret + "\u0001\"}", secret)) {
            assertThatThrownBy(() -> StrictJson.object(json.getBytes(StandardCharsets.UTF_8),
                    Refusal.MALFORMED_PRINCIPAL))
                    .isInstanceOfSatisfying(MalformedCredentialException.class, e -> {
                        assertThat(e.refusal()).isEqualTo(Refusal.MALFORMED_PRINCIPAL);
                        assertThat(e).hasMessage("not strict JSON").hasNoCause();
                        assertThat(e.getStackTrace()).isEmpty();
                    });
        }
    }

    @Test
    void unmodifiableCopiesInOrderWithNulls() {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("z", 1);
        source.put("a", null);
        source.put("m", List.of());

        Map<String, Object> copy = StrictJson.unmodifiable(source);
        source.put("added", 2);

        assertThat(copy).hasToString("{z=1, a=null, m=[]}");
        assertThatThrownBy(() -> copy.put("b", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> copy.entrySet().iterator().next().setValue(2))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
