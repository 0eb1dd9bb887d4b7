package dev.callerguard.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Base64UrlTest {

    private static byte[] decode(String text) {
        return Base64Url.decode(text);
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

    @ParameterizedTest
    @ValueSource(strings = {"aGVsbG8\u00e9", "aGVs\u0130bG8", "aGVsbG8\uD83D\uDE00", "\u0101\u0101"})
    void refusesCharactersBeyondAscii(String text) {
        assertThat(decode(text)).isNull();
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
