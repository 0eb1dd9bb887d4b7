package dev.callerguard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Differential fuzzing of {@link JsonObjectParser} against Jackson configured with the same rules
 * ({@link StrictJson#MAPPER}: duplicate names, trailing data and comments refused, the same nesting, number and
 * string bounds), reading only what is strict UTF-8 without NUL bytes. The invariants:
 * <ul>
 *   <li>whatever the parser accepts, Jackson accepts too and reads to the same values in the same order: the
 *       parser is never more lenient than Jackson;</li>
 *   <li>whatever Jackson accepts, the parser accepts too, except for its documented refusals: a byte-order mark,
 *       a lone surrogate, a number beyond the range of a double or written with more than
 *       {@link StrictJson#MAX_NUMBER_LENGTH} characters.</li>
 * </ul>
 * {@code mvn verify} runs the seeds in {@code src/test/resources/dev/callerguard/auth/JsonObjectParserFuzzTestInputs};
 * {@code scripts/fuzz.sh 10 JsonObjectParserFuzzTest#sameReadingAsJackson} fuzzes.
 */
class JsonObjectParserFuzzTest {

    @FuzzTest
    void sameReadingAsJackson(byte[] json) {
        Optional<Object> ours = ours(json);
        Optional<Object> jackson = jackson(json);

        if (ours.isPresent()) {
            assertThat(jackson).as("the parser accepted what Jackson refuses: %s", printable(json)).isPresent();
            assertThat(ours.get()).as("values of %s", printable(json)).isEqualTo(jackson.get());
            assertThat(ours.get()).as("order of %s", printable(json)).hasToString(jackson.get().toString());
        } else if (jackson.isPresent()) {
            assertThat(documentedRefusal(json, jackson.get()))
                    .as("the parser refused what Jackson accepts, for no documented reason: %s", printable(json))
                    .isTrue();
        }
    }

    private static Optional<Object> ours(byte[] json) {
        try {
            return Optional.of(JsonObjectParser.parse(json));
        } catch (JsonSyntaxException e) {
            return Optional.empty();
        }
    }

    /** Jackson's reading of UTF-8 without NUL bytes (with NULs it would guess UTF-16 or UTF-32), objects only. */
    private static Optional<Object> jackson(byte[] json) {
        for (byte b : json) {
            if (b == 0) {
                return Optional.empty();
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(json));
            JsonNode node = StrictJson.MAPPER.readTree(json);
            if (node == null || !node.isObject()) {
                return Optional.empty();
            }
            return Optional.of(StrictJson.MAPPER.convertValue(node, Object.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean documentedRefusal(byte[] json, Object reading) {
        boolean byteOrderMark = json.length >= 3 && (json[0] & 0xFF) == 0xEF && (json[1] & 0xFF) == 0xBB
                && (json[2] & 0xFF) == 0xBF;
        return byteOrderMark || hasLoneSurrogateOrInfinity(reading) || hasLongNumberText(json);
    }

    private static boolean hasLoneSurrogateOrInfinity(Object value) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (hasLoneSurrogateOrInfinity(entry.getKey()) || hasLoneSurrogateOrInfinity(entry.getValue())) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(JsonObjectParserFuzzTest::hasLoneSurrogateOrInfinity);
        }
        if (value instanceof Double number) {
            return number.isInfinite();
        }
        if (value instanceof String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether some run of number characters is longer than the parser's limit (anywhere: an over-approximation). */
    private static boolean hasLongNumberText(byte[] json) {
        int run = 0;
        for (byte b : json) {
            boolean numberChar = (b >= '0' && b <= '9') || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E';
            run = numberChar ? run + 1 : 0;
            if (run > StrictJson.MAX_NUMBER_LENGTH) {
                return true;
            }
        }
        return false;
    }

    private static String printable(byte[] json) {
        StringBuilder text = new StringBuilder();
        for (byte b : json) {
            int c = b & 0xFF;
            text.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return text.toString();
    }
}
