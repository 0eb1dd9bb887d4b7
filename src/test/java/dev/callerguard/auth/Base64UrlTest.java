package dev.callerguard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Base64UrlTest {

    /** Decodes the text as the check does: its characters as bytes, one each (ISO-8859-1, '?' above U+00FF). */
    private static byte[] decode(String text) {
        return Base64Url.decode(text.getBytes(StandardCharsets.ISO_8859_1), 0, text.length());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void decodesUnpaddedUrlSafeTextOfEveryLength(int byteCount) {
        byte[] bytes = new byte[byteCount];
        for (int i = 0; i < byteCount; i++) {
            bytes[i] = (byte) (0xFB + i * 7);
        }
        String text = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

        assertThat(decode(text)).isEqualTo(bytes);
    }

    @Test
    void decodesTheUrlSafeCharacters() {
        assertThat(decode("-_8")).isEqualTo(new byte[] {(byte) 0xFB, (byte) 0xFF});
    }

    @Test
    void decodesAnEmptyRangeToNoBytes() {
        assertThat(decode("")).isEmpty();
    }

    @Test
    void refusesPadding() {
        assertThat(decode("aGk=")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"+_8", "-/8"})
    void refusesTheStandardAlphabetsPlusAndSlash(String text) {
        assertThat(decode(text)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"aGVs bG8", "aGVs\nbG8", "aGVs\r\nbG8", "aGVsbG8 "})
    void refusesWhitespaceAndLineBreaks(String text) {
        assertThat(decode(text)).isNull();
    }

    @Test
    void refusesNonAsciiLetters() {
        assertThat(decode("aGVsbé8")).isNull();
    }

    @Test
    void refusesCharactersBeyondLatin1WhoseBytesWouldBeQuestionMarks() {
        assertThat(decode("aGVs\u0100G8")).isNull();
        assertThat(decode("aGVs\u013fG8")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"aG=sbG8x", "aGk=aGk", "aGk==aGk", "=aGk"})
    void refusesPaddingAnywhereInTheText(String text) {
        assertThat(decode(text)).isNull();
    }

    @Test
    void decodesOnlyTheGivenRangeOfBytes() {
        byte[] ascii = "xx.aGVsbG8.yy".getBytes(StandardCharsets.US_ASCII);

        assertThat(Base64Url.decode(ascii, 3, 10)).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void refusesARangeOutsideTheArray() {
        byte[] ascii = "aGVsbG8".getBytes(StandardCharsets.US_ASCII);

        assertThat(Base64Url.decode(ascii, 0, 8)).isNull();
        assertThat(Base64Url.decode(ascii, -1, 3)).isNull();
        assertThat(Base64Url.decode(ascii, 4, 3)).isNull();
    }

    @Test
    void refusesALengthOneMoreThanAMultipleOfFour() {
        assertThat(decode("aGVsb")).isNull();
    }

    @Test
    void acceptsTheCanonicalLastCharacterAfterTwoCharacters() {
        assertThat(decode("AQ")).isEqualTo(new byte[] {1});
    }

    @Test
    void refusesANonCanonicalLastCharacterAfterTwoCharacters() {
        assertThat(decode("AR")).isNull();
    }

    @Test
    void acceptsTheCanonicalLastCharacterAfterThreeCharacters() {
        assertThat(decode("AAE")).isEqualTo(new byte[] {0, 1});
    }

    @Test
    void refusesANonCanonicalLastCharacterAfterThreeCharacters() {
        assertThat(decode("AAF")).isNull();
    }
}
