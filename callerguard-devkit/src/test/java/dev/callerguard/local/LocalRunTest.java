package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.testing.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LocalRun}'s option parsing and the app settings it hands the functions host: the file's values with the
 * emulator's authority and managed identity endpoint, and Easy Auth when asked. Runs an emulator on a free port;
 * starts no host.
 */
class LocalRunTest {
    private static final String HEADER = "session-identity-header";
    /** Only a value written into WEBSITE_HOSTNAME; nothing listens on it. */
    private static final int HOST_PORT = 17071;

    private IdentityEmulator emulator;

    @BeforeEach
    void startEmulator() throws IOException {
        emulator = IdentityEmulator.start(0, HEADER, MutableClock.at("2026-11-27T12:00:00Z"));
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }

    /** Settings as local.settings.json holds them, authority on localhost. */
    private static Map<String, String> fileSettings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("FUNCTIONS_WORKER_RUNTIME", "java");
        settings.put(GuardSettings.TENANT_ID, LocalIdentities.TENANT_ID);
        settings.put(GuardSettings.AUDIENCES, LocalIdentities.API_APP_ID_URI);
        settings.put(GuardSettings.ALLOWED_CALLERS, LocalIdentities.APIM.objectId());
        settings.put(GuardSettings.AUTHORITY, "http://localhost:7072");
        return settings;
    }

    private Map<String, String> appSettings(Map<String, String> settings) {
        return LocalRun.appSettings(settings, emulator, HEADER, HOST_PORT, false);
    }

    private Map<String, String> withAuthority(String authority) {
        Map<String, String> settings = fileSettings();
        settings.put(GuardSettings.AUTHORITY, authority);
        return appSettings(settings);
    }

    // --- options -------------------------------------------------------------------------------------------------

    @Test
    void optionsPairEachNameWithTheValueAfterIt() {
        Map<String, String> options = LocalRun.options(new String[] {"--settings", "dev.json", "--host-port", "0"});

        assertThat(options).containsExactly(Map.entry("settings", "dev.json"), Map.entry("host-port", "0"));
    }

    @Test
    void optionsMapAFlagAtTheEndToTrue() {
        Map<String, String> options = LocalRun.options(new String[] {"--app", "target/app", "--easy-auth"});

        assertThat(options).containsExactly(Map.entry("app", "target/app"), Map.entry("easy-auth", "true"));
    }

    @Test
    void optionsMapAFlagFollowedByAnotherOptionToTrue() {
        Map<String, String> options = LocalRun.options(new String[] {"--easy-auth", "--emulator-port", "0"});

        assertThat(options).containsExactly(Map.entry("easy-auth", "true"), Map.entry("emulator-port", "0"));
    }

    @Test
    void optionsOfNoArgumentsAreEmpty() {
        assertThat(LocalRun.options(new String[0])).isEmpty();
    }

    @Test
    void optionsRejectAnArgumentThatIsNotAnOption() {
        assertThatThrownBy(() -> LocalRun.options(new String[] {"local.settings.json"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("local.settings.json");
    }

    @Test
    void optionsRejectASecondValueAfterAnOption() {
        assertThatThrownBy(() -> LocalRun.options(new String[] {"--settings", "a.json", "b.json"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("b.json");
    }

    // --- app settings ----------------------------------------------------------------------------------------

    @Test
    void appSettingsKeepTheFilesValues() {
        Map<String, String> app = appSettings(fileSettings());

        assertThat(app).containsEntry("FUNCTIONS_WORKER_RUNTIME", "java")
                .containsEntry(GuardSettings.TENANT_ID, LocalIdentities.TENANT_ID)
                .containsEntry(GuardSettings.ALLOWED_CALLERS, LocalIdentities.APIM.objectId());
    }

    @Test
    void appSettingsReplaceAnAuthorityOnLocalhostWithTheEmulators() {
        Map<String, String> app = withAuthority("http://localhost:7072");

        assertThat(app).containsEntry(GuardSettings.AUTHORITY, emulator.authority());
    }

    @Test
    void appSettingsReplaceAnAuthorityOnTheLoopbackAddressWithTheEmulators() {
        Map<String, String> app = withAuthority("http://127.0.0.1:7072");

        assertThat(app).containsEntry(GuardSettings.AUTHORITY, emulator.authority());
    }

    @Test
    void appSettingsReplaceALocalhostAuthorityWrittenInCapitals() {
        Map<String, String> app = withAuthority("http://LOCALHOST:7072");

        assertThat(app).containsEntry(GuardSettings.AUTHORITY, emulator.authority());
    }

    @Test
    void appSettingsUseTheEmulatorsAuthorityWhenTheFileHasNone() {
        Map<String, String> settings = fileSettings();
        settings.remove(GuardSettings.AUTHORITY);

        Map<String, String> app = appSettings(settings);

        assertThat(app).containsEntry(GuardSettings.AUTHORITY, emulator.authority());
    }

    @Test
    void appSettingsUseTheEmulatorsAuthorityWhenTheFilesAuthorityIsBlank() {
        Map<String, String> app = withAuthority("");

        assertThat(app).containsEntry(GuardSettings.AUTHORITY, emulator.authority());
    }

    @Test
    void appSettingsKeepTheRealEntraAuthority() {
        Map<String, String> app = withAuthority("https://login.microsoftonline.com");

        assertThat(app).containsEntry(GuardSettings.AUTHORITY, "https://login.microsoftonline.com");
    }

    @Test
    void appSettingsPointTheManagedIdentityEndpointAtTheEmulator() {
        Map<String, String> app = appSettings(fileSettings());

        assertThat(app).containsEntry("IDENTITY_ENDPOINT", emulator.identityEndpoint())
                .containsEntry("IDENTITY_HEADER", HEADER);
    }

    @Test
    void appSettingsOverrideAManagedIdentityEndpointTheFileNames() {
        Map<String, String> settings = fileSettings();
        settings.put("IDENTITY_ENDPOINT", "http://169.254.169.254/msi/token");
        settings.put("IDENTITY_HEADER", "stale");

        Map<String, String> app = appSettings(settings);

        assertThat(app).containsEntry("IDENTITY_ENDPOINT", emulator.identityEndpoint())
                .containsEntry("IDENTITY_HEADER", HEADER);
    }

    @Test
    void appSettingsNameTheHostAsWebsiteHostname() {
        Map<String, String> app = appSettings(fileSettings());

        assertThat(app).containsEntry("WEBSITE_HOSTNAME", "localhost:" + HOST_PORT);
    }

    @Test
    void appSettingsWithEasyAuthTurnOnWebsiteAuthEnabled() {
        Map<String, String> app = LocalRun.appSettings(fileSettings(), emulator, HEADER, HOST_PORT, true);

        assertThat(app).containsEntry(GuardSettings.WEBSITE_AUTH_ENABLED, "true");
    }

    @Test
    void appSettingsWithoutEasyAuthLeaveWebsiteAuthEnabledUnset() {
        Map<String, String> app = appSettings(fileSettings());

        assertThat(app).doesNotContainKey(GuardSettings.WEBSITE_AUTH_ENABLED);
    }

    @Test
    void appSettingsLeaveTheGivenSettingsUnchanged() {
        Map<String, String> settings = fileSettings();
        Map<String, String> before = Map.copyOf(settings);

        appSettings(settings);

        assertThat(settings).isEqualTo(before);
    }

    @Test
    void projectLocalSettingsLoadAndTrustTheEmulatorsKeys() throws IOException {
        Map<String, String> settings = LocalSettings.read(Path.of("sample-app", "local.settings.json"), Map.of());

        GuardSettings loaded = GuardSettings.load(appSettings(settings));

        assertThat(loaded.keysUrl()).isEqualTo(URI.create(emulator.keysUrl()));
        assertThat(loaded.issuers()).contains("https://sts.windows.net/" + LocalIdentities.TENANT_ID + "/");
        assertThat(loaded.easyAuthEnabled()).isFalse();
    }

    /** The banner's example calls promise 401, 403 and 200: never on the sample's unguarded health route. */
    @Test
    void theBannersExampleRouteIsNotTheHealthRoute() {
        // The sample's routes as StagedApp lists them: sorted, so health comes first.
        List<String> sample = List.of("/api/health", "/api/hello", "/api/relay", "/api/reports", "/api/whoami");

        assertThat(LocalRun.exampleRoute(sample)).isEqualTo("/api/hello");
        assertThat(LocalRun.exampleRoute(List.of("/orders/health"))).isEqualTo("/orders/health");
        assertThat(LocalRun.exampleRoute(List.of())).isEqualTo("/api/");
    }
}
