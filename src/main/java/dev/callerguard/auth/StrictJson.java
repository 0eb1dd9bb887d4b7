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

/**
 * The one JSON reader for untrusted input: duplicate keys, trailing data, comments and NaN are errors, and
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
            node = READER.readTree(json);
        } catch (IOException | RuntimeException e) {
            throw new MalformedCredentialException(refusal, "not strict JSON");
        }
        if (node == null || !node.isObject()) {
            throw new MalformedCredentialException(refusal, "not a JSON object");
        }
        return (ObjectNode) node;
    }
}
