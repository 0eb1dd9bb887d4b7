package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.testing.CommandRun;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/call.sh} for real, against an identity emulator in this JVM: msal4j in {@link TokenCli} gets the
 * token from its managed identity endpoint and curl calls the emulator's discovery document. The scripts run from
 * a copy in a temporary root, so that the session file and class path are the test's, never those of a running
 * local run. Finding "scripts/call.sh prints six INFO lines of msal4j on every call": quiet by default, msal4j's
 * INFO lines with {@code --verbose}, its warnings and errors always.
 */
class CallScriptTest {
    private static final String IDENTITY_HEADER = "call-script-identity-header";
    private static final String PATH = "/" + LocalIdentities.TENANT_ID + "/v2.0/.well-known/openid-configuration";
    private static final String MSAL4J_INFO = "INFO: [Managed Identity]";

    private IdentityEmulator emulator;

    @TempDir
    Path root;

    @BeforeEach
    void start() throws IOException {
        emulator = IdentityEmulator.start(0, IDENTITY_HEADER, Clock.systemUTC());
        Path lib = Files.createDirectories(root.resolve("scripts").resolve("lib"));
        Files.copy(Path.of("scripts", "call.sh"), root.resolve("scripts").resolve("call.sh"));
        Files.copy(Path.of("scripts", "lib", "local-java.sh"), lib.resolve("local-java.sh"));
        // What ensure_compiled looks for; the classes themselves come from this JVM's class path.
        Path devkitTarget = root.resolve("callerguard-devkit").resolve("target");
        Files.createDirectories(devkitTarget.resolve("classes").resolve("dev").resolve("callerguard").resolve("local"));
        Files.writeString(devkitTarget.resolve("runtime-classpath.txt"), System.getProperty("java.class.path"));
        Files.createDirectories(root.resolve("target").resolve("local-run"));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    /** Runs call.sh with a session whose identity header is {@code identityHeader}. */
    private CommandRun call(String identityHeader, String... args) throws IOException, InterruptedException {
        Files.writeString(root.resolve("target").resolve("local-run").resolve("session.env"), String.join("\n",
                "IDENTITY_ENDPOINT=" + emulator.identityEndpoint(),
                "IDENTITY_HEADER=" + identityHeader,
                "CALLERGUARD_EMULATOR=" + emulator.authority(),
                "CALLERGUARD_BASE_URL=" + emulator.authority(),
                ""));
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("scripts").resolve("call.sh").toString()));
        command.addAll(List.of(args));
        String path = Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator + System.getenv("PATH");
        return CommandRun.of(root, command, Map.of("PATH", path), 60);
    }

    @Test
    void callPrintsNoMsal4jInfoLinesByDefault() throws Exception {
        CommandRun result = call(IDENTITY_HEADER, "apim", PATH);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).startsWith("HTTP/1.1 200");
        assertThat(result.stderr()).doesNotContain("INFO").doesNotContain("msal4j");
    }

    @Test
    void callWithVerboseShowsMsal4jInfoLines() throws Exception {
        CommandRun result = call(IDENTITY_HEADER, "--verbose", "apim", PATH);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).startsWith("HTTP/1.1 200");
        assertThat(result.stderr()).contains("com.microsoft.aad.msal4j", MSAL4J_INFO);
    }

    @Test
    void callStillShowsMsal4jErrorsAndWarningsByDefault() throws Exception {
        CommandRun result = call("not-the-identity-header", "apim", PATH);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).contains("SEVERE: [Managed Identity] request failed", "WARNING:",
                "call.sh: no token for 'apim'").doesNotContain(MSAL4J_INFO);
    }

    @Test
    void callNamesVerboseInItsUsage() throws Exception {
        CommandRun result = call(IDENTITY_HEADER, "--verbose", "apim");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("usage: call.sh [--verbose] [--scopes 'A B'] <identity | user> <path> [curl options]");
    }

    /** Review of the scopes change: --scopes with a managed identity was dropped silently; it is refused. */
    @Test
    void callRefusesScopesForAManagedIdentity() throws Exception {
        CommandRun result = call(IDENTITY_HEADER, "--scopes", "Orders.Read", "apim", PATH);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).contains("--scopes goes with a user ([ada])", "call.sh: no token for 'apim'");
    }
}
