package dev.callerguard.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.azure.RealAzureCli.BodyCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON bodies that deploy.sh's dry run prints for ARM APIs, for each entry of {@link DeploySettings#MATRIX},
 * against the SDK models shipped with the real az CLI 2.74 (src/test/resources/azure/validate-body.py): no key
 * the model lacks, no value of the wrong type, no enum-like string outside the model's known values.
 *
 * <p>Not checked: the Microsoft Graph bodies (app registration, service principal, app role assignment), since
 * the CLI ships no Graph models; whether the service accepts the values (ids, paths, the policy XML); fields the
 * service requires (the models mark none as required for these bodies).
 */
class AzureSdkBodiesIT {
    /**
     * The model of each ARM body. authsettingsV2 is PUT with api-version 2022-03-01; azure.mgmt.web 8.0.0 ships
     * {@link #WEB_API_FOLDERS}, so 2022-03-01 itself is not there: v2022_09_01 is the closest at or after it
     * (v2016_03_01 and v2018_02_01 have no SiteAuthSettingsV2, and a later one could accept keys that 2022-03-01
     * does not know). azure.mgmt.apimanagement 5.0.0 has a single models package, of api-version 2024-05-01:
     * later than the 2022-08-01 the policy is PUT with, so a key only 2024-05-01 knew would pass unnoticed. The
     * site's httpsOnly PATCH uses api-version 2023-12-01 (the one az 2.74 uses for Flex Consumption apps), checked
     * against v2024_04_01, the closest at or after it.
     */
    private static final Map<String, Model> ARM_BODIES = Map.of(
            "authsettings.json", new Model("azure.mgmt.web.v2022_09_01.models", "SiteAuthSettingsV2"),
            "apim-policy.json", new Model("azure.mgmt.apimanagement.models", "PolicyContract"),
            "https-only.json", new Model("azure.mgmt.web.v2024_04_01.models", "SitePatchResource"),
            "app-insights.json", new Model("azure.mgmt.applicationinsights.v2020_02_02.models",
                    "ApplicationInsightsComponent"),
            "log-analytics-workspace.json", new Model("azure.mgmt.loganalytics.models", "Workspace"));
    /**
     * Not a request body: the app settings deploy.sh hands {@code az functionapp config appsettings set} in a file
     * ({@code --settings @FILE}), the CLI's own format ({@code [{"name", "value", "slotSetting"}]}).
     */
    private static final String SETTINGS_FILE = "app-insights-settings.json";
    private static final List<String> WEB_API_FOLDERS =
            List.of("v2016_03_01", "v2018_02_01", "v2022_09_01", "v2023_01_01", "v2024_04_01");
    /** Microsoft Graph bodies: no models of Graph ship with the CLI, so these are not checked. */
    private static final Pattern GRAPH_BODIES =
            Pattern.compile("app-registration\\.json|service-principal\\.json|app-role-assignment(-[0-9]+)?\\.json");

    @TempDir
    Path dir;

    @Test
    void everyArmBodyOfTheDryRunFitsItsSdkModel() throws Exception {
        RealAzureCli cli = RealAzureCli.installed();
        // Each distinct (body name, content) with the matrix entries that printed it.
        Map<List<String>, Set<String>> bodies = new LinkedHashMap<>();
        for (DeploySettings settings : DeploySettings.MATRIX) {
            for (Map.Entry<String, String> body : dryRun(settings).bodies().entrySet()) {
                String name = body.getKey();
                assertThat(ARM_BODIES.containsKey(name) || GRAPH_BODIES.matcher(name).matches()
                        || name.equals(SETTINGS_FILE))
                        .as("deploy.sh prints a body %s, neither an ARM body with a model nor a Graph body", name)
                        .isTrue();
                if (ARM_BODIES.containsKey(name)) {
                    bodies.computeIfAbsent(List.of(name, body.getValue()), key -> new LinkedHashSet<>())
                            .add(settings.name());
                }
            }
        }
        assertThat(bodies.keySet()).extracting(key -> key.get(0)).containsAll(ARM_BODIES.keySet());

        List<String> problems = new ArrayList<>();
        for (Map.Entry<List<String>, Set<String>> body : bodies.entrySet()) {
            String name = body.getKey().get(0);
            Model model = ARM_BODIES.get(name);
            BodyCheck check = cli.validateBody(model.module(), model.modelClass(),
                    Files.writeString(Files.createTempDirectory(dir, "body").resolve(name), body.getKey().get(1)));
            System.out.println(name + " as " + model + " (" + String.join("; ", body.getValue()) + "): "
                    + check.output().strip());
            if (check.exitCode() != 0) {
                problems.add(name + " of " + body.getValue() + ":\n" + check.output().indent(4));
            }
        }
        System.out.println(bodies.size() + " distinct ARM bodies checked; not checked (no Graph models ship with"
                + " the CLI): app-registration.json, service-principal.json, app-role-assignment*.json");
        assertThat(problems).as("bodies that do not fit their SDK models").isEmpty();
    }

    @Test
    void theValidatorReportsAMisspelledKeyAnUnknownEnumValueAndAWrongType() throws Exception {
        RealAzureCli cli = RealAzureCli.installed();
        String good = dryRun(DeploySettings.MATRIX.get(0)).bodies().get("authsettings.json");
        String broken = good.replace("\"excludedPaths\"", "\"excludedPath\"")
                .replace("\"Return401\"", "\"Return402\"")
                .replace("\"requireHttps\": true", "\"requireHttps\": \"yes\"");
        assertThat(broken).contains("\"excludedPath\"", "\"Return402\"", "\"requireHttps\": \"yes\"");
        Model model = ARM_BODIES.get("authsettings.json");

        BodyCheck check = cli.validateBody(model.module(), model.modelClass(),
                Files.writeString(dir.resolve("authsettings.json"), broken));

        assertThat(check.exitCode()).as(check.output()).isEqualTo(1);
        assertThat(check.output()).contains(
                "ERROR $.properties.globalValidation.excludedPath: unknown key",
                "ERROR $.properties.globalValidation.unauthenticatedClientAction: \"Return402\" is not one of",
                "ERROR $.properties.httpSettings.requireHttps: expected bool, got \"yes\"");
    }

    @Test
    void theCliShipsTheWebApiFoldersTheChoiceOfModelRestsOn() throws Exception {
        RealAzureCli.installed();
        Path web = RealAzureCli.HOME.resolve("root/usr/lib/python3/dist-packages/azure/mgmt/web");
        try (Stream<Path> entries = Files.list(web)) {
            assertThat(entries.filter(Files::isDirectory).map(path -> path.getFileName().toString())
                    .filter(name -> name.matches("v[0-9]{4}_[0-9]{2}_[0-9]{2}")).sorted())
                    .containsExactlyElementsOf(WEB_API_FOLDERS);
        }
    }

    private DeployDryRun dryRun(DeploySettings settings) throws IOException, InterruptedException {
        Path runDir = Files.createTempDirectory(dir, "dry-run");
        return DeployDryRun.of(settings.write(runDir.resolve("config.env")), runDir);
    }

    /** An SDK model class and the Python module that holds it. */
    private record Model(String module, String modelClass) {
        @Override
        public String toString() {
            return module + "." + modelClass;
        }
    }
}
