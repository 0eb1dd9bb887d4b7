package dev.callerguard.azure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A settings file for deploy.sh and verify.sh: scripts/azure/config.env.example with {@code NAME="value"} lines
 * appended. {@link #MATRIX} holds one entry per path through the scripts that the tests against the real az CLI
 * take; settings a script does not know yet are ignored by it.
 */
record DeploySettings(String name, List<String> overrides) {
    /** The sample app as mvn package staged it, standing in for a user's staged app (DEPLOY_CODE staged, none). */
    static final Path STAGED_SAMPLE = Path.of("sample-app", "target", "azure-functions", "callerguard")
            .toAbsolutePath();
    static final List<DeploySettings> MATRIX = List.of(
            of("default"),
            of("consumption plan", "HOSTING_PLAN", "consumption"),
            of("Java 21", "JAVA_VERSION", "21"),
            of("consumption plan, Java 21", "HOSTING_PLAN", "consumption", "JAVA_VERSION", "21"),
            of("existing function app", "EXISTING_FUNCTION_APP", "true"),
            of("4096 MB, 100 instances", "INSTANCE_MEMORY_MB", "4096", "MAXIMUM_INSTANCE_COUNT", "100"),
            of("existing API Management", "APIM_EXISTING_NAME", "corp-apim", "APIM_EXISTING_RESOURCE_GROUP", "corp-rg"),
            of("Developer API Management", "APIM_SKU", "Developer"),
            of("two additional callers", "ADDITIONAL_CALLERS",
                    "11111111-2222-4333-8444-555555555555 66666666-7777-4888-9999-000000000000"),
            of("relay allowed", "ALLOW_RELAY", "true"),
            of("subscription given", "AZURE_SUBSCRIPTION", "0f0f0f0f-1111-4222-8333-444444444444"),
            of("app registration named by its client id", "APP_REGISTRATION_CLIENT_ID",
                    "7a7a7a7a-1111-4222-8333-444444444444"),
            of("your staged app", "DEPLOY_CODE", "staged", "STAGED_APP_DIR", STAGED_SAMPLE.toString()),
            of("code left alone", "DEPLOY_CODE", "none", "STAGED_APP_DIR", STAGED_SAMPLE.toString(),
                    "EXISTING_FUNCTION_APP", "true"));

    /** {@code overrides}: NAME, value, NAME, value, ... */
    static DeploySettings of(String name, String... overrides) {
        return new DeploySettings(name, List.of(overrides));
    }

    /** Whether deploy.sh builds and deploys the sample app (DEPLOY_CODE "sample", the default) with these. */
    boolean buildsTheSample() {
        int at = overrides.indexOf("DEPLOY_CODE");
        return at < 0 || overrides.get(at + 1).equals("sample");
    }

    /** Writes the settings file to {@code file}. */
    Path write(Path file) throws IOException {
        return FakeAzure.settingsFile(file, overrides);
    }
}
