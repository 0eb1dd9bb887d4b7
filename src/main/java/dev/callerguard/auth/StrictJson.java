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

    /**
     * Whether the bytes are well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF) with no
     * NUL byte, which JSON never needs unescaped.
     */
    static boolean isStrictUtf8WithoutNul(byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            int lead = bytes[i] & 0xFF;
            if (lead == 0) {
                return false;
            }
            if (lead < 0x80) {
                i++;
                continue;
            }
            int continuation;
            int codePoint;
            int minimum;
            if (lead >= 0xC2 && lead <= 0xDF) {
                continuation = 1;
                codePoint = lead & 0x1F;
                minimum = 0x80;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                continuation = 2;
                codePoint = lead & 0x0F;
                minimum = 0x800;
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                continuation = 3;
                codePoint = lead & 0x07;
                minimum = 0x10000;
            } else {
                return false;
            }
            if (i + continuation > bytes.length - 1) {
                return false;
            }
            for (int k = 1; k <= continuation; k++) {
                int next = bytes[i + k] & 0xFF;
                if ((next & 0xC0) != 0x80) {
                    return false;
                }
                codePoint = (codePoint << 6) | (next & 0x3F);
            }
            if (codePoint < minimum || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
                return false;
            }
            i += continuation + 1;
        }
        return true;
    }

    /** Parses a JSON object, or throws with the given refusal. */
    static ObjectNode object(byte[] json, Refusal refusal) throws MalformedCredentialException {
        JsonNode node;
        try {
            // UTF-8 only (RFC 8259 section 8.1, RFC 7515): Jackson would otherwise guess UTF-16/32 and accept
            // overlong forms, so that another parser could read the same bytes differently. Without NUL bytes,
            // Jackson's own detection can only choose UTF-8.
            if (!isStrictUtf8WithoutNul(json)) {
                throw new MalformedCredentialException(refusal, "not UTF-8");
            }
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
