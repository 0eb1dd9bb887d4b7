package dev.callerguard.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.testing.CommandRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs the scripts of {@code scripts/azure} against the fake {@code az}, {@code mvn} and {@code curl} of
 * {@code src/test/resources/azure/bin}, first on the PATH, with a state directory that says which Azure resources
 * exist and which call fails; reads back what the fakes were called with.
 */
final class FakeAzure {
    /** The values the fake az answers (see src/test/resources/azure/bin/az). */
    static final String TENANT = "7e57e57e-0000-4000-8000-00000000a2a2";
    static final String SUBSCRIPTION = "5b5b5b5b-0000-4000-8000-00000000a2a2";
    static final String CLIENT_ID = "c11e0000-0000-4000-8000-00000000a2a2";
    /** The connection string of the fake Application Insights component (an identifier, not a credential). */
    static final String APP_INSIGHTS_CONNECTION = "InstrumentationKey=fa4e0000-0000-4000-8000-0000000000a1;"
            + "IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/";
    static final String APP_OBJECT_ID = "0b1e0000-0000-4000-8000-00000000a2a2";
    static final String FUNCTION_SP_ID = "5e1e0000-0000-4000-8000-00000000a2a2";
    static final String FUNCTION_PRINCIPAL_ID = "f0f00000-0000-4000-8000-00000000a2a2";
    static final String FUNCTION_IDENTITY_CLIENT_ID = "f0fc0000-0000-4000-8000-00000000a2a2";
    static final String APIM_PRINCIPAL_ID = "a9100000-0000-4000-8000-00000000a2a2";
    static final String APIM_CLIENT_ID = "a91c0000-0000-4000-8000-00000000a2a2";
    static final String INVOKE_ROLE_ID = "1f000000-0000-4000-8000-00000000a2a2";
    static final String REPORTS_ROLE_ID = "2f000000-0000-4000-8000-00000000a2a2";
    static final String APIM_KEY = "fake-apim-primary-key-0123456789";
    /** The blob container deploy.sh makes for a Flex Consumption app's deployment packages. */
    static final String DEPLOYMENT_CONTAINER = "app-package-callerguard-func-01";

    static final Path SCRIPTS = Path.of("scripts", "azure").toAbsolutePath();
    static final Path EXAMPLE_CONFIG = SCRIPTS.resolve("config.env.example");
    static final List<String> OPERATION_IDS =
            List.of("health-get", "whoami-get", "hello-get", "hello-post", "reports-get", "relay-get");

    private static final Path FAKES = Path.of("integration-tests", "src", "test", "resources", "azure", "bin").toAbsolutePath();
    private static final long TIMEOUT_SECONDS = 60;

    private final Path root;
    private final Path bin;
    final Path state;

    private FakeAzure(Path root) throws IOException {
        this.root = root;
        this.bin = Files.createDirectories(root.resolve("bin"));
        this.state = Files.createDirectories(root.resolve("state"));
        Files.createDirectories(root.resolve("tmp"));
        for (String fake : List.of("az", "mvn", "curl", "jar")) {
            Path copy = Files.copy(FAKES.resolve(fake), bin.resolve(fake));
            if (!copy.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + copy + " executable");
            }
        }
    }

    /** Nothing exists yet. */
    static FakeAzure empty(Path root) throws IOException {
        return new FakeAzure(root);
    }

    /** Everything deploy.sh makes already exists, as after a complete deployment. */
    static FakeAzure deployed(Path root) throws IOException {
        FakeAzure azure = new FakeAzure(root);
        for (String key : List.of("group", "storage", "functionapp", "functionapp-identity", "app", "app-uri",
                "app-roles", "sp", "sp-assignment-required", "apim", "apim-identity", "easy-auth", "role-assignment",
                "apim-api", "apim-policy")) {
            azure.exists(key);
        }
        azure.exists("apim-nv", "api://" + CLIENT_ID);
        azure.exists("app-insights").exists("log-analytics");
        azure.exists("setting-APPLICATIONINSIGHTS_CONNECTION_STRING", APP_INSIGHTS_CONNECTION);
        azure.exists("container-" + DEPLOYMENT_CONTAINER);
        for (String id : OPERATION_IDS) {
            azure.exists("apim-op-" + id);
        }
        return azure;
    }

    FakeAzure exists(String key) throws IOException {
        return exists(key, "");
    }

    FakeAzure exists(String key, String content) throws IOException {
        Files.writeString(Files.createDirectories(state.resolve("exists")).resolve(key), content);
        return this;
    }

    /** A further service principal (or managed identity) that {@code az ad sp show --id objectId} finds. */
    FakeAzure servicePrincipal(String objectId, String clientId) throws IOException {
        return exists("sp-" + objectId, clientId);
    }

    /** Function.Invoke is already assigned to {@code principalId} (APIM's identity: "role-assignment"). */
    FakeAzure assigned(String principalId) throws IOException {
        return exists(principalId.equals(APIM_PRINCIPAL_ID) ? "role-assignment" : "role-assignment-" + principalId);
    }

    /**
     * The function app exists on a plan of this tier ("FlexConsumption", "Dynamic", "ElasticPremium", "Standard"...)
     * and is of this kind ("functionapp,linux", or "functionapp" for Windows).
     */
    FakeAzure functionApp(String planTier, String kind) throws IOException {
        return exists("functionapp").exists("functionapp-identity").exists("functionapp-plan", planTier)
                .exists("functionapp-kind", kind);
    }

    FakeAzure missing(String key) throws IOException {
        Files.deleteIfExists(state.resolve("exists").resolve(key));
        return this;
    }

    /** Every fake call whose command line contains {@code text} fails. */
    FakeAzure failOn(String text) throws IOException {
        Files.writeString(state.resolve("fail"), text);
        return this;
    }

    /** A deviation of the fake curl from a correct deployment (see src/test/resources/azure/bin/curl). */
    FakeAzure curl(String setting, String value) throws IOException {
        Files.writeString(Files.createDirectories(state.resolve("curl")).resolve(setting), value);
        return this;
    }

    /** A settings file: the example with {@code overrides} ("NAME", "value") appended. */
    Path config(String... overrides) throws IOException {
        return settingsFile(root.resolve("config.env"), List.of(overrides));
    }

    /** Writes to {@code file} the example settings with {@code overrides} (NAME, value, ...) appended. */
    static Path settingsFile(Path file, List<String> overrides) throws IOException {
        StringBuilder text = new StringBuilder(Files.readString(EXAMPLE_CONFIG));
        for (int i = 0; i < overrides.size(); i += 2) {
            text.append(overrides.get(i)).append("=\"").append(overrides.get(i + 1)).append("\"\n");
        }
        return Files.writeString(file, text.toString());
    }

    ScriptResult run(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(SCRIPTS.resolve(script).toString());
        command.addAll(Arrays.asList(args));
        CommandRun run = CommandRun.of(root, command, Map.of(
                "PATH", bin + ":" + System.getenv("PATH"),
                "FAKE_AZ_STATE", state.toString(),
                "CALLERGUARD_RETRY_DELAY", "0",
                "TMPDIR", root.resolve("tmp").toString()), TIMEOUT_SECONDS);
        return new ScriptResult(run.exitCode(), run.stdout(), run.stderr());
    }

    /** The calls the fakes recorded, in order, each with the body it sent when there was one. */
    List<FakeCall> calls() throws IOException {
        Path log = state.resolve("calls.log");
        List<FakeCall> calls = new ArrayList<>();
        if (!Files.exists(log)) {
            return calls;
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            List<String> fields = List.of(line.split("\t", -1));
            if (fields.get(0).equals("body")) {
                FakeCall last = calls.remove(calls.size() - 1);
                calls.add(new FakeCall(last.argv(), String.join("\t", fields.subList(1, fields.size()))));
            } else {
                calls.add(new FakeCall(fields, null));
            }
        }
        return calls;
    }

    /**
     * The KEY=VALUE items of an {@code az functionapp config appsettings set} call's {@code --settings}, as a map; its
     * {@code @FILE} items (settings read from a file, logged as the call's body) are not among them.
     */
    static Map<String, String> settingsOf(FakeCall set) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        for (String item : set.options("--settings")) {
            if (!item.startsWith("@")) {
                settings.put(item.substring(0, item.indexOf('=')), item.substring(item.indexOf('=') + 1));
            }
        }
        return settings;
    }

    /** The one call whose {@link FakeCall#command()} is {@code command}; fails when there are none or several. */
    FakeCall only(String command) throws IOException {
        List<FakeCall> matching = calls().stream().filter(call -> call.command().equals(command)).toList();
        assertThat(matching).as("calls of " + command).hasSize(1);
        return matching.get(0);
    }

    /** What a script printed and how it ended. */
    record ScriptResult(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
