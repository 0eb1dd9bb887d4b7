package dev.callerguard.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Strict JSON for untrusted input. Credentials (a token's header and claims, the Easy Auth principal) are read by
 * {@link JsonObjectParser}, in one pass and without a tree: UTF-8 only; duplicate keys, trailing data, comments and
 * NaN are errors, and nesting, numbers and strings are bounded. {@link #MAPPER} is Jackson configured with the same
 * rules, for the keys document (handed on to jwks-rsa) and for writing JSON. Built once; thread-safe.
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

    private StrictJson() {
    }

    /** Parses a JSON object with {@link JsonObjectParser}, or throws with the given refusal. */
    static JsonObject object(byte[] json, Refusal refusal) throws MalformedCredentialException {
        try {
            return JsonObjectParser.parse(json);
        } catch (JsonSyntaxException e) {
            throw new MalformedCredentialException(refusal, "not strict JSON");
        }
    }
}
