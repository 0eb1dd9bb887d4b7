package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalSettings} reading the {@code Values} of a {@code local.settings.json} written to a temp dir. */
class LocalSettingsTest {
    private static final String FILE = """
            {
              "IsEncrypted": false,
              "Values": {
                "FUNCTIONS_WORKER_RUNTIME": "java",
                "CALLERGUARD_TENANT_ID": "7e57e57e-0000-4000-8000-000000000001",
                "CALLERGUARD_CLOCK_SKEW_SECONDS": "60"
              },
              "Host": { "LocalHttpPort": 7071 }
            }
            """;

    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path file = dir.resolve("local.settings.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void readsEveryValueInFileOrder() throws IOException {
        Map<String, String> settings = LocalSettings.read(write(FILE), Map.of());

        assertThat(settings).containsExactly(
                Map.entry("FUNCTIONS_WORKER_RUNTIME", "java"),
                Map.entry("CALLERGUARD_TENANT_ID", "7e57e57e-0000-4000-8000-000000000001"),
                Map.entry("CALLERGUARD_CLOCK_SKEW_SECONDS", "60"));
    }

    @Test
    void readsOnlyValuesNotOtherSections() throws IOException {
        Map<String, String> settings = LocalSettings.read(write(FILE), Map.of());

        assertThat(settings).doesNotContainKeys("IsEncrypted", "Host", "LocalHttpPort");
    }

    @Test
    void environmentOverridesANameItSets() throws IOException {
        Map<String, String> settings = LocalSettings.read(write(FILE),
                Map.of("CALLERGUARD_CLOCK_SKEW_SECONDS", "5"));

        assertThat(settings).containsEntry("CALLERGUARD_CLOCK_SKEW_SECONDS", "5");
    }

    @Test
    void environmentLeavesNamesItDoesNotSet() throws IOException {
        Map<String, String> settings = LocalSettings.read(write(FILE),
                Map.of("CALLERGUARD_CLOCK_SKEW_SECONDS", "5"));

        assertThat(settings).containsEntry("FUNCTIONS_WORKER_RUNTIME", "java")
                .containsEntry("CALLERGUARD_TENANT_ID", "7e57e57e-0000-4000-8000-000000000001");
    }

    @Test
    void environmentAddsNoNameTheFileLacks() throws IOException {
        Map<String, String> settings = LocalSettings.read(write(FILE), Map.of("PATH", "/usr/bin", "HOME", "/root"));

        assertThat(settings).doesNotContainKeys("PATH", "HOME").hasSize(3);
    }

    @Test
    void environmentOverridesWithAnEmptyValueToo() throws IOException {
        Map<String, String> settings = LocalSettings.read(write(FILE), Map.of("CALLERGUARD_CLOCK_SKEW_SECONDS", ""));

        assertThat(settings).containsEntry("CALLERGUARD_CLOCK_SKEW_SECONDS", "");
    }

    @Test
    void readsNumbersAndBooleansAsText() throws IOException {
        Map<String, String> settings = LocalSettings.read(write(
                "{\"Values\": {\"CALLERGUARD_CLOCK_SKEW_SECONDS\": 30, \"WEBSITE_AUTH_ENABLED\": true}}"), Map.of());

        assertThat(settings).containsEntry("CALLERGUARD_CLOCK_SKEW_SECONDS", "30")
                .containsEntry("WEBSITE_AUTH_ENABLED", "true");
    }

    @Test
    void fileWithoutValuesHasNoSettings() throws IOException {
        Map<String, String> settings = LocalSettings.read(write("{\"IsEncrypted\": false}"),
                Map.of("FUNCTIONS_WORKER_RUNTIME", "java"));

        assertThat(settings).isEmpty();
    }

    @Test
    void missingFileFails() {
        assertThatThrownBy(() -> LocalSettings.read(dir.resolve("absent.json"), Map.of()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void fileThatIsNotJsonFails() throws IOException {
        Path file = write("Values: {FUNCTIONS_WORKER_RUNTIME: java");

        assertThatThrownBy(() -> LocalSettings.read(file, Map.of())).isInstanceOf(IOException.class);
    }
}
