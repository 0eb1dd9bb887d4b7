package dev.callerguard.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The relay's settings, checked when they are read (second review, finding "the relay's settings are never
 * validated"): plain http sent the app's own token in clear text, and a malformed URL failed every call from a
 * static initialiser while health said ok.
 */
class RelaySettingsTest {
    private static final String AUDIENCES =
            "api://a7700000-0000-4000-8000-000000000001,a7700000-0000-4000-8000-000000000001";

    private static RelaySettings.Loaded load(String setting, String value) {
        return RelaySettings.load(Map.of(RelaySettings.AUDIENCES, AUDIENCES,
                "WEBSITE_HOSTNAME", "app.azurewebsites.net", setting, value)::get);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://other-app.azurewebsites.net/api/whoami", "ftp://other-app/api", "not a url",
        "https://", "/api/whoami", "https://other-app.azurewebsites.net:0/api", "https://other:99999/api",
        "https://user:secret@other-app.azurewebsites.net/api", "https://other-app.azurewebsites.net/api?code=KEY",
        "http://localhost-orders.azurewebsites.net/api/whoami"})
    void refusesARelayUrlThatIsNotAnHttpsUrlNamingTheSetting(String url) {
        RelaySettings.Loaded loaded = load(RelaySettings.RELAY_URL, url);

        assertThat(loaded.settings()).isEmpty();
        assertThat(loaded.problems()).extracting(RelaySettings.Problem::setting)
                .containsExactly(RelaySettings.RELAY_URL);
        assertThat(loaded.problems().get(0).message()).contains("e.g. https://");
    }

    @Test
    void neverRepeatsTheValueInItsMessage() {
        RelaySettings.Loaded loaded = load(RelaySettings.RELAY_URL, "http://secret-looking-host-4711.example/x");

        assertThat(loaded.problems().get(0).message()).doesNotContain("4711");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://other-app.azurewebsites.net/api/whoami", "http://localhost:7071/api/whoami",
        "http://127.0.0.1:7071/api/whoami"})
    void acceptsAnHttpsUrlOrPlainHttpOnThisMachine(String url) {
        RelaySettings.Loaded loaded = load(RelaySettings.RELAY_URL, url);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.settings()).hasValueSatisfying(settings -> {
            assertThat(settings.target()).isEqualTo(URI.create(url));
            assertThat(settings.resource()).isEqualTo("api://a7700000-0000-4000-8000-000000000001");
        });
    }

    @Test
    void refusesAClientIdThatIsNotAGuid() {
        RelaySettings.Loaded loaded = load(RelaySettings.RELAY_CLIENT_ID, "my-identity");

        assertThat(loaded.problems()).extracting(RelaySettings.Problem::setting)
                .containsExactly(RelaySettings.RELAY_CLIENT_ID);
    }

    @Test
    void defaultsToTheAppsOwnWhoAmIOverHttps() {
        RelaySettings.Loaded loaded = RelaySettings.load(Map.of(RelaySettings.AUDIENCES, AUDIENCES,
                "WEBSITE_HOSTNAME", "app.azurewebsites.net")::get);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.settings().orElseThrow().target())
                .isEqualTo(URI.create("https://app.azurewebsites.net/api/whoami"));
    }

    /** Review of the fix: an app named localhost-orders got plain http for its own whoami, its token in clear text. */
    @Test
    void theAppsOwnWhoAmIIsPlainHttpOnlyForThisMachine() {
        assertThat(RelaySettings.load(Map.of(RelaySettings.AUDIENCES, AUDIENCES,
                "WEBSITE_HOSTNAME", "localhost-orders.azurewebsites.net")::get).settings().orElseThrow().target())
                .isEqualTo(URI.create("https://localhost-orders.azurewebsites.net/api/whoami"));
        assertThat(RelaySettings.load(Map.of(RelaySettings.AUDIENCES, AUDIENCES,
                "WEBSITE_HOSTNAME", "localhost:7071")::get).settings().orElseThrow().target())
                .isEqualTo(URI.create("http://localhost:7071/api/whoami"));
    }

    @Test
    void aHostNameThatIsNoneLeavesTheRelayUnconfiguredInsteadOfThrowing() {
        RelaySettings.Loaded loaded = RelaySettings.load(Map.of(RelaySettings.AUDIENCES, AUDIENCES,
                "WEBSITE_HOSTNAME", "bad host^name")::get);

        assertThat(loaded.settings()).isEmpty();
    }
}
