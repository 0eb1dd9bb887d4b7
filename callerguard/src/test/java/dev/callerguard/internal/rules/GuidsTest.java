package dev.callerguard.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GuidsTest {

    @Test
    void canonicalizesToLowerCase() {
        assertThat(Guids.canonical("A9100000-00AB-4000-8000-0000000000C1"))
                .contains("a9100000-00ab-4000-8000-0000000000c1");
    }

    @Test
    void canonicalizesMixedCase() {
        assertThat(Guids.canonical("a9100000-00Ab-4000-8000-0000000000c1"))
                .contains("a9100000-00ab-4000-8000-0000000000c1");
    }

    /** 0, 9, a, f, A and F: the ends of the three ranges of hex digits. */
    @Test
    void acceptsEveryHexDigitInEitherCase() {
        assertThat(Guids.canonical("01234567-89ab-cdef-ABCD-EF0123456789"))
                .contains("01234567-89ab-cdef-abcd-ef0123456789");
    }

    /** The characters just outside each range of hex digits: / and : around 0-9, ` and g, @ and G. */
    @ParameterizedTest
    @ValueSource(strings = {"/", ":", "`", "g", "@", "G"})
    void refusesTheCharactersNextToTheHexDigits(String character) {
        assertThat(Guids.isGuid("7e57e57e-0000-4000-8000-00000000000" + character)).isFalse();
    }

    @Test
    void keepsALowerCaseGuidAsItIs() {
        String guid = "7e57e57e-0000-4000-8000-000000000001";

        assertThat(Guids.canonical(guid)).containsSame(guid);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0123456789abcdefABCDEF0123456789abcd", "{7e57e57e-0000-4000-8000-000000000001}",
        "7e57e57e00000-4000-8000-000000000001", "7e57e57e-0000-4000-8000-00000000000",
        "7e57e57e-0000-4000-8000-0000000000011", "7e57e57g-0000-4000-8000-000000000001",
        "7e57e57e-0000-4000-8000-0000-0000000", "7e57e57e-0000-4000-8000-00000000000-",
        "7e57e57e-0000-4000-8000\u0000000000000001", "------------------------------------",
        "7e57e57G-0000-4000-8000-000000000001", "7e57e57e-0000-4000-8000-00000000000\u007f",
        "7e57e57e-0000-4000-8000-00000000000\u0080", "7e57e57e-0000-4000-8000-00000000000\u0130",
        "7e57e57e-0000-4000-8000-00000000000\uff11", "7e57e57e-0000-4000-8000-00000000000\u0661",
        "7e57e57e-0000-4000-8000-00000000000\u00e9", "7e57e57e_0000-4000-8000-000000000001",
        " 7e57e57e-0000-4000-8000-00000000001", ""})
    void refusesWhatIsNotAGuidIn8Dash4Dash4Dash4Dash12Form(String text) {
        assertThat(Guids.isGuid(text)).isFalse();
        assertThat(Guids.canonical(text)).isEmpty();
    }

    @Test
    void refusesNull() {
        assertThat(Guids.isGuid(null)).isFalse();
    }
}
