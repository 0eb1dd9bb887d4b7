package dev.callerguard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.auth.BearerAuthorization.Kind;
import dev.callerguard.auth.BearerAuthorization.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BearerAuthorizationTest {
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJ4In0.c2lnbmF0dXJl";

    /** The header read whole: located, then a credential that is not a b64token makes it malformed. */
    private static Result read(String header) {
        Result located = BearerAuthorization.locate(header);
        return located.kind() == Kind.TOKEN && !BearerAuthorization.isB64Token(located.token())
                ? new Result(Kind.MALFORMED, null) : located;
    }

    @Test
    void readsTheTokenOfABearerHeader() {
        Result result = read("Bearer " + TOKEN);

        assertThat(result.kind()).isEqualTo(Kind.TOKEN);
        assertThat(result.token()).isEqualTo(TOKEN);
    }

    @Test
    void treatsNoHeaderAsAbsent() {
        assertThat(read(null).kind()).isEqualTo(Kind.ABSENT);
    }

    @Test
    void treatsABlankHeaderAsAbsent() {
        assertThat(read("   ").kind()).isEqualTo(Kind.ABSENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic dXNlcjpwYXNz", "Negotiate YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaADAgEFoQMCAQ6iBwMFACAAAACjggS",
        "DPoP " + TOKEN, "Bearertoken"})
    void treatsAnotherSchemeAsAbsent(String header) {
        assertThat(read(header).kind()).isEqualTo(Kind.ABSENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bearer", "BEARER", "bEaReR"})
    void readsTheSchemeInAnyCase(String scheme) {
        Result result = read(scheme + " " + TOKEN);

        assertThat(result.kind()).isEqualTo(Kind.TOKEN);
        assertThat(result.token()).isEqualTo(TOKEN);
    }

    @Test
    void acceptsSeveralSpacesAfterTheScheme() {
        assertThat(read("Bearer    " + TOKEN).token()).isEqualTo(TOKEN);
    }

    @Test
    void ignoresSurroundingWhitespace() {
        assertThat(read("  Bearer " + TOKEN + " \t").token()).isEqualTo(TOKEN);
    }

    @Test
    void acceptsTrailingEqualsSignsOfAB64token() {
        assertThat(read("Bearer abc+/~._-==").token()).isEqualTo("abc+/~._-==");
    }

    @Test
    void refusesTwoTokens() {
        assertThat(read("Bearer " + TOKEN + " " + TOKEN).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void refusesTwoHeadersJoinedWithAComma() {
        assertThat(read("Bearer " + TOKEN + ", Bearer " + TOKEN).kind())
                .isEqualTo(Kind.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer ", "Bearer    "})
    void refusesAnEmptyToken(String header) {
        assertThat(read(header).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void refusesATokenWithCharactersOutsideB64token() {
        assertThat(read("Bearer abc\"def").kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void refusesEqualsSignsInsideTheToken() {
        assertThat(read("Bearer abc=def").kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void refusesATabInsteadOfASpace() {
        assertThat(read("Bearer\t" + TOKEN).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void givesNoTokenWhenMalformed() {
        assertThat(read("Bearer a b").token()).isNull();
    }

    @Test
    void acceptsAHeaderOfExactlyTheMaximumLength() {
        String header = "Bearer " + "a".repeat(BearerAuthorization.MAX_HEADER_LENGTH - "Bearer ".length());

        assertThat(read(header).kind()).isEqualTo(Kind.TOKEN);
    }

    @Test
    void refusesAHeaderLongerThanSixteenKilobytes() {
        String header = "Bearer " + "a".repeat(BearerAuthorization.MAX_HEADER_LENGTH + 1 - "Bearer ".length());

        Result result = read(header);

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
        assertThat(read("Bearer " + credential).kind()).isEqualTo(Kind.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {TOKEN, "abc==", "a-._~+/z", "a"})
    void judgesB64Tokens(String credential) {
        assertThat(BearerAuthorization.isB64Token(credential)).isTrue();
        assertThat(BearerAuthorization.locate("Bearer " + credential))
                .isEqualTo(read("Bearer " + credential));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer\t" + TOKEN, "Basic abc", ""})
    void locatesTheSameStructureAsItReads(String header) {
        assertThat(BearerAuthorization.locate(header)).isEqualTo(read(header));
    }
}
