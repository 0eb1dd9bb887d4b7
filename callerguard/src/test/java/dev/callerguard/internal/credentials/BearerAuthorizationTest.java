package dev.callerguard.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.credentials.BearerAuthorization.Kind;
import dev.callerguard.internal.credentials.BearerAuthorization.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BearerAuthorizationTest {
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJ4In0.c2lnbmF0dXJl";

    /** The header read as the check reads a token it has not verified before: located, then scanned. */
    private static Result read(String header) {
        Result located = BearerAuthorization.read(header);
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

    @ParameterizedTest
    @ValueSource(strings = {"bearer", "BEARER", "bEaReR"})
    void readsTheSchemeInAnyAsciiCaseOnly(String scheme) {
        assertThat(read(scheme + " " + TOKEN).kind()).isEqualTo(Kind.TOKEN);
        assertThat(read(scheme.replace('e', '\u0435').replace('E', '\u0415') + " " + TOKEN).kind()).as("Cyrillic e")
                .isEqualTo(Kind.ABSENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u001f", "\u000b", "\u000c", "\u2028", "\u3000", "\u00a0", "\r", "\n", "\u0000"})
    void trimsOnlySpacesAndTabsAroundTheHeader(String junk) {
        assertThat(read("Bearer " + TOKEN + junk).kind()).isEqualTo(Kind.MALFORMED);
        assertThat(read(junk + "Bearer " + TOKEN).kind()).isEqualTo(Kind.ABSENT);
        assertThat(read(" \t Bearer " + TOKEN + "\t ")).isEqualTo(new Result(Kind.TOKEN, TOKEN));
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
    void readsATabAfterTheSchemeAsMalformedBeforeAnyScan() {
        assertThat(BearerAuthorization.read("Bearer\t" + TOKEN)).isEqualTo(new Result(Kind.MALFORMED, null));
        assertThat(BearerAuthorization.read("Bearer")).isEqualTo(new Result(Kind.MALFORMED, null));
        assertThat(BearerAuthorization.read("Bearer \t" + TOKEN)).isEqualTo(new Result(Kind.TOKEN, "\t" + TOKEN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"=", "==", "===="})
    void paddingAloneIsNoB64token(String credential) {
        assertThat(BearerAuthorization.isB64Token(credential)).isFalse();
        assertThat(read("Bearer " + credential).kind()).isEqualTo(Kind.MALFORMED);
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
    @ValueSource(strings = {"abc$def", "a b", "abc=def", "a\"b", "tok\u00e9n", "=abc", "abc\u0100", "a\tb",
        "abc\u017f", "\uD83D\uDE00", "a,b", "a;b", "a\u0000b"})
    void refusesACredentialThatIsNotOneB64token(String credential) {
        assertThat(BearerAuthorization.isB64Token(credential)).isFalse();
        assertThat(BearerAuthorization.read("Bearer " + credential)).as("located, not yet judged")
                .isEqualTo(new Result(Kind.TOKEN, credential));
        assertThat(read("Bearer " + credential).kind()).isEqualTo(Kind.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {TOKEN, "abc==", "a-._~+/z", "a", "Z09az"})
    void readsEveryB64token(String credential) {
        assertThat(BearerAuthorization.isB64Token(credential)).isTrue();
        assertThat(read("Bearer " + credential)).isEqualTo(new Result(Kind.TOKEN, credential));
    }

    @Test
    void refusesATabBetweenTheSpacesAndTheToken() {
        assertThat(read("Bearer \t" + TOKEN).kind()).isEqualTo(Kind.MALFORMED);
    }
}
