package dev.callerguard.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser (RFC 8259) for the credentials the check reads: a token's header and claims and the Easy
 * Auth principal. It reads UTF-8 bytes in one pass and yields plain Java values, and it refuses anything one
 * JSON reader might read differently from another: other encodings, a byte-order mark, invalid or overlong UTF-8,
 * lone surrogates (raw or escaped), duplicate member names (compared after unescaping), comments, trailing data,
 * NaN and infinities, leading zeros or plus signs, unescaped control characters, and nesting, numbers and strings
 * beyond the bounds of {@link StrictJson}. Not thread-safe: one instance per parse.
 *
 * <p>Values: objects are unmodifiable {@link JsonObject}s keeping member order, arrays unmodifiable lists,
 * strings {@link String}, {@code true}/{@code false} {@link Boolean}, {@code null} {@code null}, integers
 * {@link Integer}, {@link Long} or {@link BigInteger} (the smallest that holds them), other numbers finite
 * {@link Double}s.
 */
final class JsonObjectParser {
    private final byte[] in;
    private int at;
    private int depth;

    private JsonObjectParser(byte[] in) {
        this.in = in;
    }

    /** The JSON text {@code json} as an object, or throws {@link JsonSyntaxException} when it is not one. */
    static JsonObject parse(byte[] json) throws JsonSyntaxException {
        JsonObjectParser parser = new JsonObjectParser(json);
        parser.skipWhitespace();
        if (parser.peek() != '{') {
            throw JsonSyntaxException.INSTANCE;
        }
        JsonObject object = parser.object();
        parser.skipWhitespace();
        if (parser.at != json.length) {
            throw JsonSyntaxException.INSTANCE;
        }
        return object;
    }

    private Object value() throws JsonSyntaxException {
        int c = peek();
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw JsonSyntaxException.INSTANCE;
        }
    }

    private JsonObject object() throws JsonSyntaxException {
        enter();
        at++;
        // Room without rehashing: a compact member takes 30 bytes or more (a token's claims set holds about twenty
        // in 800 bytes, its header four), up to 64; nested objects are small (an Easy Auth claim has two members).
        Map<String, Object> members = new LinkedHashMap<>(depth == 1 ? Math.min(64, Math.max(16, in.length / 30)) : 8);
        skipWhitespace();
        if (peek() == '}') {
            at++;
            depth--;
            return new JsonObject(members);
        }
        while (true) {
            if (peek() != '"') {
                throw JsonSyntaxException.INSTANCE;
            }
            String name = name();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            int before = members.size();
            members.put(name, value());
            if (members.size() == before) {
                throw JsonSyntaxException.INSTANCE;
            }
            skipWhitespace();
            int next = next();
            if (next == '}') {
                depth--;
                return new JsonObject(members);
            }
            if (next != ',') {
                throw JsonSyntaxException.INSTANCE;
            }
            skipWhitespace();
        }
    }

    private List<Object> array() throws JsonSyntaxException {
        enter();
        at++;
        List<Object> elements = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            at++;
            depth--;
            return Collections.unmodifiableList(elements);
        }
        while (true) {
            elements.add(value());
            skipWhitespace();
            int next = next();
            if (next == ']') {
                depth--;
                return Collections.unmodifiableList(elements);
            }
            if (next != ',') {
                throw JsonSyntaxException.INSTANCE;
            }
            skipWhitespace();
        }
    }

    private void enter() throws JsonSyntaxException {
        if (++depth > StrictJson.MAX_NESTING) {
            throw JsonSyntaxException.INSTANCE;
        }
    }

    /** A member name: the names every token and principal uses are shared constants, not new strings. */
    private String name() throws JsonSyntaxException {
        return string(true);
    }

    private String string() throws JsonSyntaxException {
        return string(false);
    }

    /** A string starting at the opening quote. Printable ASCII without escapes (nearly every claim) is copied. */
    private String string(boolean name) throws JsonSyntaxException {
        int start = ++at;
        int i = start;
        while (i < in.length) {
            int b = in[i];
            if (b == '"') {
                at = i + 1;
                String known = name ? KnownNames.find(in, start, i) : null;
                return known != null ? known
                        : checkedLength(new String(in, start, i - start, StandardCharsets.ISO_8859_1));
            }
            if (b < 0x20 || b == '\\') {
                break;
            }
            i++;
        }
        return escapedString(start);
    }

    /** The slow path: escapes and multi-byte UTF-8, decoded strictly. */
    private String escapedString(int start) throws JsonSyntaxException {
        StringBuilder text = new StringBuilder();
        at = start;
        while (true) {
            int b = next();
            if (b == '"') {
                return checkedLength(text.toString());
            }
            if (b == '\\') {
                escape(text);
            } else if (b >= 0x20 && b < 0x80) {
                text.append((char) b);
            } else if (b >= 0x80) {
                text.appendCodePoint(utf8(b));
            } else {
                throw JsonSyntaxException.INSTANCE;
            }
        }
    }

    private void escape(StringBuilder text) throws JsonSyntaxException {
        int c = next();
        switch (c) {
            case '"', '\\', '/' -> text.append((char) c);
            case 'b' -> text.append('\b');
            case 'f' -> text.append('\f');
            case 'n' -> text.append('\n');
            case 'r' -> text.append('\r');
            case 't' -> text.append('\t');
            case 'u' -> {
                char unit = hex4();
                if (Character.isHighSurrogate(unit)) {
                    if (next() != '\\' || next() != 'u') {
                        throw JsonSyntaxException.INSTANCE;
                    }
                    char low = hex4();
                    if (!Character.isLowSurrogate(low)) {
                        throw JsonSyntaxException.INSTANCE;
                    }
                    text.append(unit).append(low);
                } else if (Character.isLowSurrogate(unit)) {
                    throw JsonSyntaxException.INSTANCE;
                } else {
                    text.append(unit);
                }
            }
            default -> throw JsonSyntaxException.INSTANCE;
        }
    }

    private char hex4() throws JsonSyntaxException {
        int unit = 0;
        for (int k = 0; k < 4; k++) {
            int c = next();
            int digit;
            if (c >= '0' && c <= '9') {
                digit = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                digit = c - 'a' + 10;
            } else if (c >= 'A' && c <= 'F') {
                digit = c - 'A' + 10;
            } else {
                throw JsonSyntaxException.INSTANCE;
            }
            unit = (unit << 4) | digit;
        }
        return (char) unit;
    }

    /** The code point of a multi-byte UTF-8 sequence whose first byte {@code lead} was just read. */
    private int utf8(int lead) throws JsonSyntaxException {
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
            throw JsonSyntaxException.INSTANCE;
        }
        for (int k = 0; k < continuation; k++) {
            int b = next();
            if ((b & 0xC0) != 0x80) {
                throw JsonSyntaxException.INSTANCE;
            }
            codePoint = (codePoint << 6) | (b & 0x3F);
        }
        if (codePoint < minimum || codePoint > Character.MAX_CODE_POINT
                || (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE)) {
            throw JsonSyntaxException.INSTANCE;
        }
        return codePoint;
    }

    private static String checkedLength(String text) throws JsonSyntaxException {
        if (text.length() > StrictJson.MAX_STRING_LENGTH) {
            throw JsonSyntaxException.INSTANCE;
        }
        return text;
    }

    /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}, at most {@link StrictJson#MAX_NUMBER_LENGTH}. */
    private Object number() throws JsonSyntaxException {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        if (peek() == '0') {
            at++;
        } else if (digits() == 0) {
            throw JsonSyntaxException.INSTANCE;
        }
        boolean integral = true;
        if (peek() == '.') {
            at++;
            integral = false;
            if (digits() == 0) {
                throw JsonSyntaxException.INSTANCE;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            at++;
            integral = false;
            if (peek() == '+' || peek() == '-') {
                at++;
            }
            if (digits() == 0) {
                throw JsonSyntaxException.INSTANCE;
            }
        }
        int length = at - start;
        if (length > StrictJson.MAX_NUMBER_LENGTH) {
            throw JsonSyntaxException.INSTANCE;
        }
        if (integral && length <= 18) {
            // At most 18 digits: the value fits a long, read straight from the bytes (every NumericDate).
            int i = start;
            boolean negative = in[i] == '-';
            if (negative) {
                i++;
            }
            long value = 0;
            for (; i < at; i++) {
                value = value * 10 + (in[i] - '0');
            }
            if (negative) {
                value = -value;
            }
            if (value == (int) value) {
                return Integer.valueOf((int) value);
            }
            return Long.valueOf(value);
        }
        String text = new String(in, start, length, StandardCharsets.ISO_8859_1);
        if (!integral) {
            double value = Double.parseDouble(text);
            if (Double.isInfinite(value)) {
                throw JsonSyntaxException.INSTANCE;
            }
            return value;
        }
        BigInteger value = new BigInteger(text);
        if (value.bitLength() < Long.SIZE) {
            return Long.valueOf(value.longValue());
        }
        return value;
    }

    /** Skips decimal digits and returns how many there were. */
    private int digits() {
        int start = at;
        while (at < in.length && in[at] >= '0' && in[at] <= '9') {
            at++;
        }
        return at - start;
    }

    private void literal(String word) throws JsonSyntaxException {
        for (int k = 0; k < word.length(); k++) {
            if (next() != word.charAt(k)) {
                throw JsonSyntaxException.INSTANCE;
            }
        }
    }

    private void skipWhitespace() {
        while (at < in.length) {
            byte b = in[at];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            at++;
        }
    }

    private void expect(char c) throws JsonSyntaxException {
        if (next() != c) {
            throw JsonSyntaxException.INSTANCE;
        }
    }

    /** The byte at the cursor (0..255), or -1 at the end. */
    private int peek() {
        return at < in.length ? in[at] & 0xFF : -1;
    }

    /** The byte at the cursor (0..255), moving past it; throws at the end. */
    private int next() throws JsonSyntaxException {
        if (at >= in.length) {
            throw JsonSyntaxException.INSTANCE;
        }
        return in[at++] & 0xFF;
    }
}
