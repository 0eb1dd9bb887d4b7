package dev.callerguard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StagedApp} loading a tiny app staged in a temp dir the way {@code mvn package} lays one out: a
 * {@code host.json}, one folder per function with its {@code function.json}, and a jar (built here with
 * {@link JarOutputStream}) holding {@link EchoFunction}'s class file.
 */
class StagedAppTest {
    private static final String ENTRY_POINT = EchoFunction.class.getName() + ".run";
    private static final String JAR = "echo.jar";

    /** The staged function: echoes a header and says whether it can see the host's classes. */
    public static final class EchoFunction {
        public HttpResponseMessage run(HttpRequestMessage<Optional<String>> request, ExecutionContext context) {
            boolean seesHost;
            try {
                Class.forName("dev.callerguard.local.StagedApp", false, EchoFunction.class.getClassLoader());
                seesHost = true;
            } catch (ClassNotFoundException e) {
                seesHost = false;
            }
            return request.createResponseBuilder(HttpStatus.OK)
                    .header("x-function", context.getFunctionName())
                    .body(request.getHeaders().get("x-echo") + " seesHost=" + seesHost)
                    .build();
        }
    }

    @TempDir
    Path staging;
    private Path app;

    @BeforeEach
    void stageApp() throws IOException {
        app = staging.resolve("callerguard-app");
        Files.createDirectories(app);
        Files.writeString(app.resolve("host.json"), "{\"version\": \"2.0\"}");
        writeJar(app.resolve(JAR));
        writeFunction("Echo", ENTRY_POINT, "\"get\", \"post\"", "\"echo/it\"");
    }

    private void writeFunction(String name, String entryPoint, String methods, String route) throws IOException {
        Path dir = Files.createDirectories(app.resolve(name));
        Files.writeString(dir.resolve("function.json"), """
                {
                  "scriptFile": "../%s",
                  "entryPoint": "%s",
                  "bindings": [
                    {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "ANONYMOUS",
                     "methods": [%s]%s},
                    {"type": "http", "direction": "out", "name": "$return"}
                  ]
                }
                """.formatted(JAR, entryPoint, methods, route == null ? "" : ", \"route\": " + route));
    }

    private static void writeJar(Path jar) throws IOException {
        String classFile = EchoFunction.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file);
             InputStream in = StagedAppTest.class.getClassLoader().getResourceAsStream(classFile)) {
            assertThat(in).as(classFile).isNotNull();
            out.putNextEntry(new JarEntry(classFile));
            in.transferTo(out);
            out.closeEntry();
        }
    }

    private StagedApp.HttpFunction echo(StagedApp loaded) {
        return loaded.route("/api/echo/it").orElseThrow();
    }

    // --- find ----------------------------------------------------------------------------------------------------

    @Test
    void listsTheRoutesOfAnyStagedAppUnderItsRoutePrefix(@TempDir Path app) throws IOException {
        Files.writeString(app.resolve("host.json"), "{\"version\": \"2.0\", \"extensions\": {\"http\": "
                + "{\"routePrefix\": \"orders\"}}}");
        Files.createDirectories(app.resolve("HttpExample"));
        Files.writeString(app.resolve("HttpExample").resolve("function.json"),
                "{\"bindings\": [{\"type\": \"httpTrigger\", \"name\": \"req\"}]}");
        Files.createDirectories(app.resolve("list"));
        Files.writeString(app.resolve("list").resolve("function.json"),
                "{\"bindings\": [{\"type\": \"httpTrigger\", \"route\": \"items/all\"}]}");
        Files.createDirectories(app.resolve("timer"));
        Files.writeString(app.resolve("timer").resolve("function.json"),
                "{\"bindings\": [{\"type\": \"timerTrigger\"}]}");

        assertThat(StagedApp.routes(app)).containsExactly("/orders/HttpExample", "/orders/items/all");
    }

    @Test
    void findReturnsTheOneStagedApp() throws IOException {
        assertThat(StagedApp.find(staging)).isEqualTo(app);
    }

    @Test
    void findFailsWhenNothingIsStaged() throws IOException {
        Path empty = Files.createDirectories(staging.resolve("empty"));

        assertThatThrownBy(() -> StagedApp.find(empty)).isInstanceOf(IOException.class)
                .hasMessageContaining("found 0").hasMessageContaining("mvn package");
    }

    @Test
    void findFailsWhenTwoAppsAreStaged() throws IOException {
        Path other = Files.createDirectories(staging.resolve("other-app"));
        Files.writeString(other.resolve("host.json"), "{\"version\": \"2.0\"}");

        assertThatThrownBy(() -> StagedApp.find(staging)).isInstanceOf(IOException.class)
                .hasMessageContaining("found 2");
    }

    // --- load and route ------------------------------------------------------------------------------------------

    @Test
    void loadsTheHttpFunctionWithItsRouteAndMethodsInCapitals() throws IOException {
        StagedApp loaded = StagedApp.load(app);

        assertThat(loaded.functions()).singleElement().satisfies(function -> {
            assertThat(function.name()).isEqualTo("Echo");
            assertThat(function.route()).isEqualTo("echo/it");
            assertThat(function.methods()).isEqualTo(Set.of("GET", "POST"));
            assertThat(function.entryPoint().getName()).isEqualTo("run");
        });
        assertThat(loaded.directory()).isEqualTo(app);
    }

    @Test
    void routesUnderTheDefaultApiPrefix() throws IOException {
        StagedApp loaded = StagedApp.load(app);

        assertThat(loaded.route("/api/echo/it")).isPresent();
        assertThat(loaded.route("/echo/it")).isEmpty();
        assertThat(loaded.pathOf(echo(loaded))).isEqualTo("/api/echo/it");
    }

    @Test
    void routesIgnoringCase() throws IOException {
        assertThat(StagedApp.load(app).route("/api/ECHO/It")).isPresent();
    }

    @Test
    void unknownRouteMatchesNoFunction() throws IOException {
        StagedApp loaded = StagedApp.load(app);

        assertThat(loaded.route("/api/echo")).isEmpty();
        assertThat(loaded.route("/api/echo/it/more")).isEmpty();
    }

    @Test
    void routesUnderTheRoutePrefixOfHostJson() throws IOException {
        Files.writeString(app.resolve("host.json"),
                "{\"version\": \"2.0\", \"extensions\": {\"http\": {\"routePrefix\": \"v1\"}}}");

        StagedApp loaded = StagedApp.load(app);

        assertThat(loaded.route("/v1/echo/it")).isPresent();
        assertThat(loaded.route("/api/echo/it")).isEmpty();
        assertThat(loaded.pathOf(loaded.route("/v1/echo/it").orElseThrow())).isEqualTo("/v1/echo/it");
    }

    @Test
    void routesFromTheRootWhenTheRoutePrefixIsEmpty() throws IOException {
        Files.writeString(app.resolve("host.json"),
                "{\"version\": \"2.0\", \"extensions\": {\"http\": {\"routePrefix\": \"\"}}}");

        StagedApp loaded = StagedApp.load(app);

        assertThat(loaded.route("/echo/it")).isPresent();
        assertThat(loaded.pathOf(loaded.route("/echo/it").orElseThrow())).isEqualTo("/echo/it");
    }

    @Test
    void routeDefaultsToTheFunctionName() throws IOException {
        writeFunction("Plain", ENTRY_POINT, "\"get\"", null);

        StagedApp loaded = StagedApp.load(app);

        assertThat(loaded.route("/api/Plain")).map(StagedApp.HttpFunction::name).contains("Plain");
    }

    @Test
    void skipsFunctionsWithoutAnHttpTrigger() throws IOException {
        Path timer = Files.createDirectories(app.resolve("Nightly"));
        Files.writeString(timer.resolve("function.json"), """
                {"entryPoint": "%s", "bindings": [{"type": "timerTrigger", "name": "t", "schedule": "0 0 * * * *"}]}
                """.formatted(ENTRY_POINT));

        assertThat(StagedApp.load(app).functions()).extracting(StagedApp.HttpFunction::name).containsExactly("Echo");
    }

    @Test
    void loadsJarsFromTheLibFolderToo() throws IOException {
        Path lib = Files.createDirectories(app.resolve("lib"));
        Files.move(app.resolve(JAR), lib.resolve(JAR));

        assertThat(StagedApp.load(app).functions()).hasSize(1);
    }

    @Test
    void loadFailsWhenTheEntryPointClassIsMissing() throws IOException {
        writeFunction("Missing", "dev.callerguard.functions.Absent.run", "\"get\"", "\"missing\"");

        assertThatThrownBy(() -> StagedApp.load(app)).isInstanceOf(IOException.class)
                .hasMessageContaining("dev.callerguard.functions.Absent.run");
    }

    @Test
    void loadFailsWhenTheEntryPointMethodIsMissing() throws IOException {
        writeFunction("Missing", EchoFunction.class.getName() + ".absent", "\"get\"", "\"missing\"");

        assertThatThrownBy(() -> StagedApp.load(app)).isInstanceOf(IOException.class)
                .hasMessageContaining("method not found");
    }

    // --- class loading and invocation -----------------------------------------------------------------------

    @Test
    void loadsTheFunctionFromTheStagedJarNotTheHostsClassPath() throws IOException {
        Class<?> staged = echo(StagedApp.load(app)).entryPoint().getDeclaringClass();

        assertThat(staged.getName()).isEqualTo(EchoFunction.class.getName());
        assertThat(staged).isNotSameAs(EchoFunction.class);
        assertThat(staged.getClassLoader()).isNotSameAs(StagedAppTest.class.getClassLoader());
    }

    @Test
    void sharesTheFunctionsLibraryWithTheHost() throws IOException {
        Class<?>[] parameters = echo(StagedApp.load(app)).entryPoint().getParameterTypes();

        assertThat(parameters).containsExactly(HttpRequestMessage.class, ExecutionContext.class);
    }

    @Test
    void invokeRunsTheFunctionWithTheRequestAndTheContext() throws Exception {
        StagedApp loaded = StagedApp.load(app);
        StagedApp.HttpFunction function = echo(loaded);
        LocalHttpRequest request = new LocalHttpRequest(HttpMethod.GET, URI.create("http://localhost/api/echo/it"),
                Map.of("X-Echo", "hello"), Map.of(), null);

        HttpResponseMessage response = loaded.invoke(function, request, new LocalExecutionContext("Echo"));

        assertThat(response.getStatus()).isEqualTo(HttpStatus.OK);
        assertThat(response.getHeader("x-function")).isEqualTo("Echo");
        assertThat(response.getBody()).isEqualTo("hello seesHost=false");
    }
}
