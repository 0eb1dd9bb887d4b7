package dev.callerguard.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON reader for untrusted input: UTF-8 only; duplicate keys, trailing data, comments and NaN are errors, and
 * nesting, numbers and strings are bounded. Built once; thread-safe.
 */
final class StrictJson {
    static final int MAX_NESTING = 16;
    static final int MAX_NUMBER_LENGTH = 32;
    static final int MAX_STRING_LENGTH = 16 * 1024;

    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonParser.Feature.ALLOW_COMMENTS);

    private static final ObjectReader READER = MAPPER.reader();

    private StrictJson() {
    }

    /** Parses a JSON object, or throws with the given refusal. */
    static ObjectNode object(byte[] json, Refusal refusal) throws MalformedCredentialException {
        JsonNode node;
        try {
            // UTF-8 only (RFC 8259 section 8.1, RFC 7515): Jackson would otherwise guess UTF-16/32 and accept
            // overlong forms, so that another parser could read the same bytes differently.
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json)).toString();
            node = READER.readTree(text);
        } catch (IOException | RuntimeException e) {
            throw new MalformedCredentialException(refusal, "not strict JSON");
        }
        if (node == null || !node.isObject()) {
            throw new MalformedCredentialException(refusal, "not a JSON object");
        }
        return (ObjectNode) node;
    }
}
