package dev.callerguard.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Header names are matched by ASCII case only: finding "header names matched with Unicode case folding", where
 * {@code String.equalsIgnoreCase} let {@code x-mſ-client-principal} stand for {@code x-ms-client-principal}.
 */
class RequestHeadersTest {
    private static final String PRINCIPAL = "x-ms-client-principal";

    private static String get(String sentName, String wantedName) {
        return RequestHeaders.of(Map.of(sentName, "value")).get(wantedName);
    }

    @Test
    void headerNameWithLongSIsNotThePrincipalHeader() {
        assertThat(get("x-m\u017F-client-principal", PRINCIPAL)).isNull();
        assertThat(get("X-M\u017F-CLIENT-PRINCIPAL", PRINCIPAL)).isNull();
    }

    @Test
    void headerNameWithDottedCapitalIIsNotThePrincipalHeader() {
        assertThat(get("x-ms-cl\u0130ent-principal", PRINCIPAL)).isNull();
        assertThat(get("author\u0130zation", "authorization")).isNull();
    }

    @Test
    void headerNameWithKelvinSignIsNotTheNameWithK() {
        assertThat(get("x-ms-to\u212Aen-aad-access-token", "x-ms-token-aad-access-token")).isNull();
        assertThat(get("\u212Aeep-alive", "keep-alive")).isNull();
    }

    @Test
    void headerNameWithDotlessIIsNotTheNameWithI() {
        assertThat(get("x-ms-cl\u0131ent-principal", PRINCIPAL)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-ms-client-principal", "X-MS-CLIENT-PRINCIPAL", "X-Ms-Client-Principal",
        "x-MS-client-PRINCIPAL"})
    void headerNamesDifferingOnlyInAsciiCaseStillMatch(String sentName) {
        assertThat(get(sentName, PRINCIPAL)).isEqualTo("value");
        assertThat(get(sentName, "X-MS-CLIENT-PRINCIPAL")).isEqualTo("value");
    }

    /**
     * A map holding one name in two spellings (the Functions host and the local host lower-case names, so only a
     * hand-made map can): the spelling asked for wins, whatever the map's order.
     */
    @Test
    void aNameSpelledExactlyAsAskedWinsOverItsOtherSpellings() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("authorization", "Bearer lower");
        headers.put("Authorization", "Bearer capitalized");

        assertThat(RequestHeaders.of(headers).get("Authorization")).isEqualTo("Bearer capitalized");
        assertThat(RequestHeaders.of(headers).get("authorization")).isEqualTo("Bearer lower");
    }

    @Test
    void lowerCaseNameLowersAsciiLettersOnly() {
        assertThat(RequestHeaders.lowerCaseName("X-MS-Client-Principal-ID")).isEqualTo("x-ms-client-principal-id");
        assertThat(RequestHeaders.lowerCaseName("X-M\u017F-\u212A-\u0130-\u00C9"))
                .isEqualTo("x-m\u017F-\u212A-\u0130-\u00C9");
    }

    /** A to Z and nothing next to them: @ comes before A, [ after Z. */
    @Test
    void lowerCaseNameLowersAThroughZ() {
        assertThat(RequestHeaders.lowerCaseName("@AZ[")).isEqualTo("@az[");
    }

    @Test
    void lowerCaseNameReturnsALowerCaseNameItself() {
        String name = "authorization";

        assertThat(RequestHeaders.lowerCaseName(name)).isSameAs(name);
    }
}
