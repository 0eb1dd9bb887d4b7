package dev.callerguard.internal.credentials;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.callerguard.internal.decision.Refusal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON (RFC 8259) for untrusted input, read by Jackson. {@link #object} reads a credential (a token's header
 * and claims, the Easy Auth principal) with Jackson's streaming parser into plain values: strict UTF-8 only, no
 * duplicate names, no trailing data, none of Jackson's leniencies, no lone surrogates, no infinite numbers, and
 * nesting, numbers, strings and names bounded. {@link #READER} reads the keys document (handed on to jwks-rsa) with
 * Jackson configured as strictly, {@link #WRITER} writes JSON. Built once; thread-safe; the reader and writer are
 * immutable, so no code that reaches them can loosen them for everyone else.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8259">RFC 8259: The JSON Data Interchange Format</a>
 */
public final class StrictJson {
    static final int MAX_NESTING = 16;
    static final int MAX_NUMBER_LENGTH = 32;
    static final int MAX_STRING_LENGTH = 16 * 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonParser.Feature.ALLOW_COMMENTS);
    /** Reads the keys document strictly; immutable. */
    public static final ObjectReader READER = MAPPER.reader();
    /** Writes JSON (refusal bodies, the filtered keys document); immutable. */
    public static final ObjectWriter WRITER = MAPPER.writer();

    /**
     * The credential reader's parser settings. Every leniency is off, most of them by Jackson's default, written out
     * so that a reader sees them, one call each: in 2.22.4 {@code disable(first, other...)} enables the others.
     * Names are not canonicalized: the shared symbol table would let one request's names (interned, and counted
     * towards a hash collision limit) change how later requests are read. Duplicate names are refused by
     * {@link #object(JsonParser)}, which compares the same unescaped names as Jackson's
     * {@code STRICT_DUPLICATE_DETECTION} in the map it builds anyway, instead of a second set of them (that set cost
     * about 0.3 µs of the 1.1 µs Jackson took over a managed identity token's claims in a scratch measurement;
     * BENCHMARKS.md). The bounds count what Jackson counts: nesting over objects and arrays, the root object
     * included; a number's digits; a string's or a name's characters.
     */
    private static final JsonFactory CREDENTIALS = JsonFactory.builder()
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .disable(JsonReadFeature.ALLOW_YAML_COMMENTS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
            .disable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
            .disable(JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS)
            .disable(JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS)
            .disable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .disable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .disable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .disable(JsonReadFeature.ALLOW_MISSING_VALUES)
            .disable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .disable(JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER)
            .disable(JsonReadFeature.ALLOW_RS_CONTROL_CHAR)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .maxNameLength(MAX_STRING_LENGTH)
                    .build())
            .build();

    private StrictJson() {
    }

    /**
     * Reads {@code json} as one JSON object, or throws with the given refusal. Objects become unmodifiable maps that
     * keep the members' order, arrays unmodifiable lists, strings {@link String}, {@code true}/{@code false}
     * {@link Boolean}, {@code null} {@code null}, integers the smallest of {@link Integer}, {@link Long} and
     * {@link java.math.BigInteger} that holds them, other numbers finite {@link Double}s.
     */
    public static Map<String, Object> object(byte[] json, Refusal refusal) throws MalformedCredentialException {
        CharBuffer text;
        try {
            text = strictUtf8(json);
        } catch (CharacterCodingException e) {
            throw new MalformedCredentialException(refusal, "not UTF-8");
        }
        try (JsonParser parser = CREDENTIALS.createParser(text.array(), text.arrayOffset() + text.position(),
                text.remaining())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw notStrict(parser);
            }
            Map<String, Object> object = object(parser);
            if (parser.nextToken() != null) {
                throw notStrict(parser);
            }
            return object;
        } catch (IOException | RuntimeException e) {
            // Fail closed on whatever Jackson throws; its message may quote the input, so it goes no further.
            throw new MalformedCredentialException(refusal, "not strict JSON");
        }
    }

    /** An unmodifiable copy of {@code map} that keeps its order (and null values, which JSON objects may hold). */
    public static Map<String, Object> unmodifiable(Map<String, Object> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /**
     * Jackson reads a text whose characters are given, so the bytes must be UTF-8: invalid and overlong sequences
     * and encoded surrogates are refused here. A byte-order mark becomes U+FEFF, which Jackson refuses. Also the
     * keys document's decoding: Jackson's own decoding of bytes is laxer (it guesses UTF-16 and UTF-32, skips a
     * byte-order mark and lets overlong sequences through).
     */
    public static CharBuffer strictUtf8(byte[] json) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(json));
    }

    /**
     * The members of the object whose start the parser has just read, up to and including its end. A name that comes
     * again, compared as read (after unescaping), is refused here: the map being built is the set of names seen.
     */
    private static Map<String, Object> object(JsonParser parser) throws IOException {
        Map<String, Object> members = new LinkedHashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = wellFormed(parser, parser.currentName());
            if (members.containsKey(name)) {
                throw notStrict(parser);
            }
            members.put(name, value(parser, parser.nextToken()));
        }
        if (token != JsonToken.END_OBJECT) {
            throw notStrict(parser);
        }
        return Collections.unmodifiableMap(members);
    }

    /** The elements of the array whose start the parser has just read, up to and including its end. */
    private static List<Object> array(JsonParser parser) throws IOException {
        List<Object> elements = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            elements.add(value(parser, token));
        }
        return Collections.unmodifiableList(elements);
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        if (token == null) {
            throw notStrict(parser);
        }
        return switch (token) {
            case START_OBJECT -> object(parser);
            case START_ARRAY -> array(parser);
            case VALUE_STRING -> wellFormed(parser, parser.getText());
            case VALUE_NUMBER_INT -> parser.getNumberValue();
            case VALUE_NUMBER_FLOAT -> finite(parser, parser.getDoubleValue());
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw notStrict(parser);
        };
    }

    /** Jackson lets an escaped lone surrogate ({@code "\ud800"}) through; readers differ on what it means. */
    private static String wellFormed(JsonParser parser, String text) throws IOException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw notStrict(parser);
            }
        }
        return text;
    }

    /** Jackson reads a number beyond a double's range ({@code 1e400}) as an infinity. */
    private static Double finite(JsonParser parser, double value) throws IOException {
        if (!Double.isFinite(value)) {
            throw notStrict(parser);
        }
        return value;
    }

    private static JsonParseException notStrict(JsonParser parser) {
        return new JsonParseException(parser, "not strict JSON");
    }
}
