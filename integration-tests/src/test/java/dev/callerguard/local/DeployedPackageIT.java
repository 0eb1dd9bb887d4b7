package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What {@code mvn package} stages for deployment of the sample app: its functions and the CallerGuard library, and
 * nothing of the dev kit, the test kit or the tests.
 */
class DeployedPackageIT {
    private static final Path APP = Path.of("sample-app", "target", "azure-functions", "callerguard");

    @Test
    void stagesOneFunctionJsonPerFunction() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        for (String function : List.of("health", "whoami", "hello", "reports", "relay")) {
            JsonNode config = mapper.readTree(APP.resolve(function).resolve("function.json").toFile());
            JsonNode trigger = config.get("bindings").get(0);
            assertThat(trigger.get("type").asText()).isEqualTo("httpTrigger");
            assertThat(trigger.get("route").asText()).isEqualTo(function);
            assertThat(trigger.get("authLevel").asText()).isEqualTo("ANONYMOUS");
            assertThat(config.get("entryPoint").asText()).startsWith("dev.callerguard.sample.");
        }
    }

    @Test
    void containsNoEmulatorHostOrTestCode() throws IOException {
        List<String> entries = new ArrayList<>();
        try (Stream<Path> files = Files.walk(APP)) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    file.stream().forEach(entry -> entries.add(jar.getFileName() + "!" + entry.getName()));
                }
            }
        }
        assertThat(entries).anyMatch(e -> e.endsWith("dev/callerguard/sample/HelloFunction.class"));
        assertThat(entries).noneMatch(e -> e.contains("dev/callerguard/local/"))
                .noneMatch(e -> e.contains("dev/callerguard/testing/"))
                .noneMatch(e -> e.contains("!dev/callerguard/")
                        && (e.endsWith("Test.class") || e.endsWith("IT.class")))
                .noneMatch(e -> e.startsWith("junit") || e.startsWith("assertj"));
    }

    @Test
    void carriesTheLibraryAndNoDevKitTestKitOrTestJars() throws IOException {
        try (Stream<Path> lib = Files.list(APP.resolve("lib"))) {
            assertThat(lib.map(p -> p.getFileName().toString()))
                    .contains("callerguard-0.1.0-SNAPSHOT.jar")
                    .noneMatch(name -> name.startsWith("callerguard-devkit"))
                    .noneMatch(name -> name.startsWith("callerguard-testkit"))
                    .noneMatch(name -> name.endsWith("-tests.jar"))
                    .noneMatch(name -> name.startsWith("junit") || name.startsWith("assertj")
                            || name.startsWith("jazzer"));
        }
    }

    /** The class path scripts/run-local.sh runs the dev kit with: its own jar's runtime dependencies. */
    @Test
    void theDevKitRunsFromItsOwnClassPathWithoutTestCodeOrTestLibraries() throws IOException {
        List<String> entries = List.of(Files.readString(Path.of("callerguard-devkit", "target",
                "runtime-classpath.txt")).strip().split(java.io.File.pathSeparator));

        assertThat(entries).anyMatch(entry -> entry.endsWith("callerguard-0.1.0-SNAPSHOT.jar"))
                .anyMatch(entry -> entry.contains("msal4j"))
                .noneMatch(entry -> entry.contains("test-classes") || entry.endsWith("-tests.jar"))
                .noneMatch(entry -> entry.contains("junit") || entry.contains("jazzer") || entry.contains("assertj"));
    }

    @Test
    void leavesTheFunctionsLibraryToTheWorker() throws IOException {
        try (Stream<Path> lib = Files.list(APP.resolve("lib"))) {
            assertThat(lib.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.startsWith("azure-functions-java-library"))
                    .noneMatch(name -> name.startsWith("azure-functions-java-spi"))
                    .anyMatch(name -> name.startsWith("msal4j"));
        }
    }

    @Test
    void carriesTheNativeRsaProviderForTheBuildsPlatform() throws IOException {
        String arch = System.getProperty("os.arch");
        String classifier = arch.equals("aarch64") ? "linux-aarch_64" : "linux-x86_64";
        try (Stream<Path> lib = Files.list(APP.resolve("lib"))) {
            assertThat(lib.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("AmazonCorretto")))
                    .containsExactly("AmazonCorrettoCryptoProvider-2.5.0-" + classifier + ".jar");
        }
        try (JarFile provider = new JarFile(APP.resolve("lib")
                .resolve("AmazonCorrettoCryptoProvider-2.5.0-" + classifier + ".jar").toFile())) {
            assertThat(provider.getEntry("com/amazon/corretto/crypto/provider/libamazonCorrettoCryptoProvider.so"))
                    .as("the native library inside the jar").isNotNull();
        }
    }

    @Test
    void declaresTheWarmUpMiddlewareForTheWorker() throws IOException {
        try (JarFile app = new JarFile(APP.resolve("lib").resolve("callerguard-0.1.0-SNAPSHOT.jar").toFile())) {
            var entry = app.getEntry("META-INF/services/com.microsoft.azure.functions.internal.spi.middleware.Middleware");
            assertThat(entry).isNotNull();
            assertThat(new String(app.getInputStream(entry).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .strip()).isEqualTo("dev.callerguard.internal.runtime.GuardWarmUp");
        }
    }
}
