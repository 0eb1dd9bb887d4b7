package dev.callerguard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.auth.BearerAuthorization.Kind;
import dev.callerguard.auth.BearerAuthorization.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BearerAuthorizationTest {
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJ4In0.c2lnbmF0dXJl";

    @Test
    void readsTheTokenOfABearerHeader() {
        Result result = BearerAuthorization.read("Bearer " + TOKEN);

        assertThat(result.kind()).isEqualTo(Kind.TOKEN);
        assertThat(result.token()).isEqualTo(TOKEN);
    }

    @Test
    void treatsNoHeaderAsAbsent() {
        assertThat(BearerAuthorization.read(null).kind()).isEqualTo(Kind.ABSENT);
    }

    @Test
    void treatsABlankHeaderAsAbsent() {
        assertThat(BearerAuthorization.read("   ").kind()).isEqualTo(Kind.ABSENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic dXNlcjpwYXNz", "Negotiate YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaADAgEFoQMCAQ6iBwMFACAAAACjggS",
        "DPoP " + TOKEN, "Bearertoken"})
    void treatsAnotherSchemeAsAbsent(String header) {
        assertThat(BearerAuthorization.read(header).kind()).isEqualTo(Kind.ABSENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bearer", "BEARER", "bEaReR"})
    void readsTheSchemeInAnyCase(String scheme) {
        Result result = BearerAuthorization.read(scheme + " " + TOKEN);

        assertThat(result.kind()).isEqualTo(Kind.TOKEN);
        assertThat(result.token()).isEqualTo(TOKEN);
    }

    @Test
    void acceptsSeveralSpacesAfterTheScheme() {
        assertThat(BearerAuthorization.read("Bearer    " + TOKEN).token()).isEqualTo(TOKEN);
    }

    @Test
    void ignoresSurroundingWhitespace() {
        assertThat(BearerAuthorization.read("  Bearer " + TOKEN + " \t").token()).isEqualTo(TOKEN);
    }

    @Test
    void acceptsTrailingEqualsSignsOfAB64token() {
        assertThat(BearerAuthorization.read("Bearer abc+/~._-==").token()).isEqualTo("abc+/~._-==");
    }

    @Test
    void refusesTwoTokens() {
        assertThat(BearerAuthorization.read("Bearer " + TOKEN + " " + TOKEN).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void refusesTwoHeadersJoinedWithAComma() {
        assertThat(BearerAuthorization.read("Bearer " + TOKEN + ", Bearer " + TOKEN).kind())
                .isEqualTo(Kind.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer ", "Bearer    "})
    void refusesAnEmptyToken(String header) {
        assertThat(BearerAuthorization.read(header).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void refusesATokenWithCharactersOutsideB64token() {
        assertThat(BearerAuthorization.read("Bearer abc\"def").kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void refusesEqualsSignsInsideTheToken() {
        assertThat(BearerAuthorization.read("Bearer abc=def").kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void refusesATabInsteadOfASpace() {
        assertThat(BearerAuthorization.read("Bearer\t" + TOKEN).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void givesNoTokenWhenMalformed() {
        assertThat(BearerAuthorization.read("Bearer a b").token()).isNull();
    }

    @Test
    void acceptsAHeaderOfExactlyTheMaximumLength() {
        String header = "Bearer " + "a".repeat(BearerAuthorization.MAX_HEADER_LENGTH - "Bearer ".length());

        assertThat(BearerAuthorization.read(header).kind()).isEqualTo(Kind.TOKEN);
    }

    @Test
    void refusesAHeaderLongerThanSixteenKilobytes() {
        String header = "Bearer " + "a".repeat(BearerAuthorization.MAX_HEADER_LENGTH + 1 - "Bearer ".length());

        Result result = BearerAuthorization.read(header);

        assertThat(result.kind()).isEqualTo(Kind.TOO_LARGE);
        assertThat(result.token()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc$def", "a b", "abc=def", "a\"b", "tok\u00e9n", "=abc", "abc\u0100"})
    void locatesACredentialWithoutJudgingItsCharacters(String credential) {
        Result located = BearerAuthorization.locate("Bearer " + credential);

        assertThat(located.kind()).isEqualTo(Kind.TOKEN);
        assertThat(located.token()).isEqualTo(credential);
        assertThat(BearerAuthorization.isB64Token(credential)).isFalse();
        assertThat(BearerAuthorization.read("Bearer " + credential).kind()).isEqualTo(Kind.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {TOKEN, "abc==", "a-._~+/z", "a"})
    void judgesB64Tokens(String credential) {
        assertThat(BearerAuthorization.isB64Token(credential)).isTrue();
        assertThat(BearerAuthorization.locate("Bearer " + credential))
                .isEqualTo(BearerAuthorization.read("Bearer " + credential));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer\t" + TOKEN, "Basic abc", ""})
    void locatesTheSameStructureAsItReads(String header) {
        assertThat(BearerAuthorization.locate(header)).isEqualTo(BearerAuthorization.read(header));
    }
}
