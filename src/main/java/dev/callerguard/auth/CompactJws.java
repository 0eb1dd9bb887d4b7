package dev.callerguard.auth;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * A JWS in compact serialization (RFC 7515 section 7.1), split and decoded strictly but not yet trusted: exactly
 * three base64url segments and a JSON object header. The payload stays bytes: the signature layer does not
 * care what it holds.
 *
 * @param ascii            the characters of the text the token was read from, one byte each; the token is
 *                         {@code ascii[start, ascii.length)}
 * @param start            where the token starts in {@code ascii} (after {@code Bearer } when read from a header)
 * @param header           the protected header
 * @param payload          the payload bytes
 * @param signature        the signature bytes
 * @param signingInputEnd  where {@code header.payload} ends in {@code ascii}
 */
record CompactJws(byte[] ascii, int start, Map<String, Object> header, byte[] payload, byte[] signature,
                  int signingInputEnd) {

    /** Longest token accepted; Entra access tokens are 1-3 KB. */
    static final int MAX_LENGTH = 16 * 1024;

    /** How many recent headers are kept: keys in rollover, v1 and v2 tokens side by side. */
    static final int REMEMBERED_HEADERS = 4;
    /** Longer header segments are parsed every time (Entra's are 100-250 characters). */
    static final int MAX_REMEMBERED_HEADER_LENGTH = 1024;

    /** The headers parsed last, most recent first; shared by all threads, replaced whole, never changed. */
    private static volatile ParsedHeader[] recentHeaders = new ParsedHeader[0];

    private record ParsedHeader(byte[] segment, Map<String, Object> header) {
    }

    static CompactJws parse(String token) throws MalformedCredentialException {
        return parse(token, 0);
    }

    /**
     * Parses {@code text} from {@code start} to its end as a token, without copying it out first (the check
     * hands over the whole {@code Authorization} header value and where the token starts).
     */
    static CompactJws parse(String text, int start) throws MalformedCredentialException {
        if (text.length() - start > MAX_LENGTH) {
            throw malformed("too long");
        }
        int first = text.indexOf('.', start);
        int second = first < 0 ? -1 : text.indexOf('.', first + 1);
        if (first <= start || second < 0 || text.indexOf('.', second + 1) >= 0) {
            throw malformed("not three segments");
        }
        byte[] ascii = text.getBytes(StandardCharsets.ISO_8859_1);
        if (ascii.length != text.length()) {
            // A character beyond the BMP (a surrogate pair) became one '?': positions would no longer match.
            throw malformed("not ASCII");
        }
        Map<String, Object> header = header(ascii, start, first);
        byte[] payload = Base64Url.decode(ascii, first + 1, second);
        byte[] signature = Base64Url.decode(ascii, second + 1, ascii.length);
        if (payload == null || signature == null) {
            throw malformed("not base64url");
        }
        return new CompactJws(ascii, start, header, payload, signature, second);
    }

    /**
     * The header segment {@code ascii[from, to)} decoded and parsed. Every token signed with one key has the same
     * header, byte for byte, so the few parsed last are kept and handed out again for the same bytes (the parse
     * is a function of the bytes alone, and its result cannot be changed). Only headers that parse are kept.
     */
    private static Map<String, Object> header(byte[] ascii, int from, int to) throws MalformedCredentialException {
        ParsedHeader[] recent = recentHeaders;
        for (ParsedHeader known : recent) {
            if (Arrays.equals(known.segment(), 0, known.segment().length, ascii, from, to)) {
                return known.header();
            }
        }
        byte[] json = Base64Url.decode(ascii, from, to);
        if (json == null) {
            throw malformed("not base64url");
        }
        Map<String, Object> header = StrictJson.object(json, Refusal.MALFORMED_TOKEN);
        if (to - from <= MAX_REMEMBERED_HEADER_LENGTH) {
            ParsedHeader[] next = new ParsedHeader[Math.min(recent.length + 1, REMEMBERED_HEADERS)];
            next[0] = new ParsedHeader(Arrays.copyOfRange(ascii, from, to), header);
            System.arraycopy(recent, 0, next, 1, next.length - 1);
            recentHeaders = next;
        }
        return header;
    }

    /** The compact serialization, as received. */
    String token() {
        return new String(ascii, start, ascii.length - start, StandardCharsets.ISO_8859_1);
    }

    /** The payload as a JSON object (a JWT's claims set). */
    Map<String, Object> claims() throws MalformedCredentialException {
        return StrictJson.object(payload, Refusal.MALFORMED_TOKEN);
    }

    private static MalformedCredentialException malformed(String detail) {
        return new MalformedCredentialException(Refusal.MALFORMED_TOKEN, detail);
    }
}
