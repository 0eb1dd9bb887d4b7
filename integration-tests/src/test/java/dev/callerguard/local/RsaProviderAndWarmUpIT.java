package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.testing.TestSignatures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The RSA provider and the warm-up in the functions host serving the staged app: the native provider named at
 * start, chosen and warmed up when the functions are loaded (before any request), the JDK's with
 * {@code CALLERGUARD_CRYPTO=jdk}, and an app whose native library cannot load still serving, on the JDK's provider,
 * with the reason logged once.
 */
class RsaProviderAndWarmUpIT {
    private static final String NATIVE = "RSA signatures by AmazonCorrettoCryptoProvider 2.5.0 (native) "
            + "(CALLERGUARD_CRYPTO=auto;";
    private static final String FALLBACK = "verifies RSA signatures with the JDK's provider, not the native one";

    @Test
    void theRuntimeStartsAndFetchesItsKeysWhenTheFunctionsLoadBeforeAnyRequest() throws Exception {
        try (LocalStack stack = LocalStack.start(false)) {
            String started = awaitLine(stack.hostLog, "settings valid");
            awaitKeyFetches(stack, 1);

            assertThat(started).contains(TestSignatures.nativePlatform() ? NATIVE : "RSA signatures by SunRsaSign");
            assertThat(stack.emulator.keySetRequests()).as("the warm-up's one fetch, with no request yet").isEqualTo(1);
            assertThat(stack.get("/api/hello", stack.token(LocalIdentities.APIM)).statusCode()).isEqualTo(200);
            assertThat(stack.emulator.keySetRequests()).as("the first guarded request made no fetch").isEqualTo(1);
            assertThat(Files.readString(stack.hostLog)).doesNotContain(FALLBACK);
        }
    }

    @Test
    void cryptoJdkUsesTheJdksProviderAndLogsNoFallback() throws Exception {
        try (LocalStack stack = LocalStack.start(false, List.of(), Map.of("CALLERGUARD_CRYPTO", "jdk"))) {
            String started = awaitLine(stack.hostLog, "settings valid");

            assertThat(started).contains("RSA signatures by SunRsaSign", "(JDK) (CALLERGUARD_CRYPTO=jdk;");
            assertThat(stack.get("/api/hello", stack.token(LocalIdentities.APIM)).statusCode()).isEqualTo(200);
            assertThat(Files.readString(stack.hostLog)).doesNotContain(FALLBACK);
        }
    }

    @Test
    void anAppWhoseNativeLibraryCannotLoadServesOnTheJdkAndSaysWhyOnce() throws Exception {
        Path app = stagedAppWithABrokenNativeLibrary();
        try (LocalStack stack = LocalStack.start(false, List.of(), Map.of(), app)) {
            String started = awaitLine(stack.hostLog, "settings valid");
            String token = stack.token(LocalIdentities.APIM);

            assertThat(started).contains("RSA signatures by SunRsaSign", "(JDK) (CALLERGUARD_CRYPTO=auto;");
            assertThat(stack.get("/api/hello", token).statusCode()).isEqualTo(200);
            assertThat(stack.get("/api/hello", token).statusCode()).isEqualTo(200);
            assertThat(stack.get("/api/hello", null).statusCode()).isEqualTo(401);
            List<String> warnings = Files.readAllLines(stack.hostLog).stream()
                    .filter(line -> line.contains(FALLBACK)).toList();
            assertThat(warnings).singleElement().satisfies(line -> assertThat(line)
                    .contains("WARNING", "the native provider did not load"));
        }
    }

    /** A copy of the staged app whose native RSA library is not an ELF file (and whose provider jar is unsigned). */
    private static Path stagedAppWithABrokenNativeLibrary() throws IOException {
        Path staged = StagedApp.find(Path.of("sample-app", "target", "azure-functions"));
        Path copy = Path.of("target", "rsa-provider-it", staged.getFileName().toString());
        if (Files.exists(copy.getParent())) {
            try (Stream<Path> old = Files.walk(copy.getParent())) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> files = Files.walk(staged)) {
            for (Path source : files.toList()) {
                Path target = copy.resolve(staged.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (source.getFileName().toString().startsWith("AmazonCorrettoCryptoProvider")) {
                    breakNativeLibrary(source, target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        return copy;
    }

    private static void breakNativeLibrary(Path jar, Path target) throws IOException {
        int replaced = 0;
        try (JarFile in = new JarFile(jar.toFile()); OutputStream file = Files.newOutputStream(target);
             JarOutputStream out = new JarOutputStream(file)) {
            for (JarEntry entry : in.stream().toList()) {
                String name = entry.getName();
                if (name.startsWith("META-INF/") && (name.endsWith(".SF") || name.endsWith(".RSA")
                        || name.equals("META-INF/MANIFEST.MF"))) {
                    continue;
                }
                out.putNextEntry(new JarEntry(name));
                if (name.endsWith(".so")) {
                    out.write("not a shared library".getBytes(StandardCharsets.US_ASCII));
                    replaced++;
                } else {
                    try (InputStream content = in.getInputStream(entry)) {
                        content.transferTo(out);
                    }
                }
                out.closeEntry();
            }
        }
        assertThat(replaced).as("the provider jar holds its native library").isEqualTo(1);
    }

    private static String awaitLine(Path log, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    if (line.contains(text)) {
                        return line;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no line with '" + text + "' in " + log + " within 30 s");
    }

    private static void awaitKeyFetches(LocalStack stack, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (stack.emulator.keySetRequests() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
