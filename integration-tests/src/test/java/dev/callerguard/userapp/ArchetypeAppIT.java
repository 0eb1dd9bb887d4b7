package dev.callerguard.userapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.local.LocalRunScript;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * CallerGuard added to an app nobody here wrote, exactly as the README's "Add CallerGuard to your function app"
 * says: Microsoft's archetype generates the app, {@link UserAppSteps} applies the README's steps to it, {@code mvn
 * package} builds it (running its own generated unit test, changed as the README says), {@code
 * scripts/run-local.sh --app ... --settings ...} serves it from its own folder, {@code scripts/call.sh} calls it,
 * and deploy.sh's dry run with {@code DEPLOY_CODE="staged"} deploys its staged folder.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArchetypeAppIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path WORK = ROOT.resolve("target").resolve("archetype-it");
    private static final Path APP = WORK.resolve(UserAppSteps.ARTIFACT_ID);
    private static final Path STAGED = APP.resolve("target").resolve("azure-functions").resolve(UserAppSteps.APP_NAME);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Run build;
    private static Process localRun;
    private static int hostPort;

    @BeforeAll
    static void generateChangeAndBuild() throws Exception {
        deleteRecursively(WORK);
        Files.createDirectories(WORK);
        Run generated = run(WORK, 300, UserAppSteps.generateCommand());
        assertThat(generated.exitCode()).as(generated.output()).isZero();
        UserAppSteps.apply(APP, ROOT.resolve("sample-app").resolve("local.settings.json"));
        build = run(APP, 600, List.of("mvn", "-B", "package"));
    }

    @AfterAll
    static void stopLocalRun() throws InterruptedException {
        if (localRun != null) {
            LocalRunScript.stop(localRun);
        }
    }

    @Test
    @Order(1)
    void theAppBuildsAndItsOwnGeneratedTestPassesWithTheGuardInFront() throws IOException {
        assertThat(build.exitCode()).as(build.output()).isZero();
        Path report = APP.resolve("target").resolve("surefire-reports")
                .resolve("TEST-" + UserAppSteps.PACKAGE + ".FunctionTest.xml");
        String xml = Files.readString(report);
        assertThat(xml).contains("tests=\"1\"").contains("failures=\"0\"").contains("errors=\"0\"")
                .contains("skipped=\"0\"");
    }

    @Test
    @Order(2)
    void itsStagedLibHoldsTheLibraryAndNoDevKitTestKitOrTestJars() throws IOException {
        try (Stream<Path> lib = Files.list(STAGED.resolve("lib"))) {
            List<String> jars = lib.map(p -> p.getFileName().toString()).toList();
            assertThat(jars).contains("callerguard-0.1.0-SNAPSHOT.jar")
                    .noneMatch(name -> name.startsWith("callerguard-devkit"))
                    .noneMatch(name -> name.startsWith("callerguard-testkit"))
                    .noneMatch(name -> name.endsWith("-tests.jar"))
                    .noneMatch(name -> name.startsWith("junit") || name.startsWith("mockito")
                            || name.startsWith("assertj") || name.startsWith("msal4j"));
        }
        assertThat(STAGED.resolve(UserAppSteps.FUNCTION).resolve("function.json")).isRegularFile();
    }

    @Test
    @Order(3)
    void servedByTheDevKitItAnswersOnlyTheAllowedIdentity() throws Exception {
        hostPort = freePort();
        int emulatorPort = freePort();
        localRun = LocalRunScript.start(ROOT.resolve("scripts").resolve("run-local.sh"), APP,
                WORK.resolve("run-local.log"), List.of("--app", "target/azure-functions/" + UserAppSteps.APP_NAME,
                        "--settings", "local.settings.json", "--host-port", String.valueOf(hostPort),
                        "--emulator-port", String.valueOf(emulatorPort)));
        String path = "/api/" + UserAppSteps.FUNCTION + "?name=Ada";

        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + hostPort + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Bearer"));

        Run intruder = call("intruder", path);
        assertThat(intruder.exitCode()).as(intruder.output()).isZero();
        assertThat(intruder.output()).startsWith("HTTP/1.1 403").contains("CG403-CALLER");

        Run apim = call("apim", path);
        assertThat(apim.exitCode()).as(apim.output()).isZero();
        assertThat(apim.output()).startsWith("HTTP/1.1 200").endsWith("Hello, Ada");
    }

    @Test
    @Order(4)
    void deploySDryRunDeploysItsStagedFolderAndPutsItsFunctionBehindApiManagement() throws Exception {
        Path config = WORK.resolve("config.env");
        Files.writeString(config, Files.readString(ROOT.resolve("scripts").resolve("azure")
                .resolve("config.env.example")) + "DEPLOY_CODE=\"staged\"\nSTAGED_APP_DIR=\"" + STAGED + "\"\n");

        Run dryRun = run(WORK, 120, List.of("bash", ROOT.resolve("scripts").resolve("azure").resolve("deploy.sh")
                .toString(), "--dry-run", "--config", config.toString()));

        assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
        assertThat(dryRun.output()).contains("cp -R " + STAGED + " ", "az functionapp deployment source config-zip",
                "--operation-id httpexample-get --url-template /HttpExample --method GET",
                "--operation-id httpexample-post --url-template /HttpExample --method POST")
                .doesNotContain("mvn -B");
    }

    private static Run call(String identity, String path) throws IOException, InterruptedException {
        return run(APP, 120, List.of("bash", ROOT.resolve("scripts").resolve("call.sh").toString(), identity,
                path));
    }

    private record Run(int exitCode, String output) {
    }

    /** Runs {@code command} in {@code dir}; its exit code and its standard output and error together. */
    private static Run run(Path dir, long timeoutSeconds, List<String> command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(WORK, "run", ".txt");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s: "
                    + Files.readString(out));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(path);
            }
        }
    }
}
