package dev.callerguard.userapp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of the README's section "Add CallerGuard to your function app", applied to a project that Microsoft's
 * archetype generated, as a user applies them by hand: each edit is the README's text. Fails loudly when the
 * generated project does not look as the README describes (a new archetype version), instead of editing blindly.
 */
final class UserAppSteps {
    static final String ARCHETYPE_VERSION = "1.66";
    static final String ARTIFACT_ID = "orders-app";
    static final String APP_NAME = "orders-app";
    static final String PACKAGE = "com.example";
    static final String FUNCTION = "HttpExample";

    /** Step 2: the dependencies, after the archetype's own. */
    static final String DEPENDENCIES = """
                    <dependency>
                        <groupId>dev.callerguard</groupId>
                        <artifactId>callerguard</artifactId>
                        <version>0.1.0-SNAPSHOT</version>
                    </dependency>
                    <dependency>
                        <groupId>dev.callerguard</groupId>
                        <artifactId>callerguard-testkit</artifactId>
                        <version>0.1.0-SNAPSHOT</version>
                        <scope>test</scope>
                    </dependency>
            """;

    /** Step 2: a Surefire that runs JUnit 5 tests (Maven 3.8's default, 2.12.4, finds none). */
    static final String SUREFIRE = """
                    <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-surefire-plugin</artifactId>
                        <version>3.5.4</version>
                    </plugin>
            """;

    private UserAppSteps() {
    }

    /** Step 1: the README's archetype command. */
    static List<String> generateCommand() {
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "archetype:generate",
                "-DarchetypeGroupId=com.microsoft.azure", "-DarchetypeArtifactId=azure-functions-archetype",
                "-DarchetypeVersion=" + ARCHETYPE_VERSION, "-DgroupId=" + PACKAGE, "-DartifactId=" + ARTIFACT_ID,
                "-Dversion=1.0-SNAPSHOT", "-Dpackage=" + PACKAGE, "-DappName=" + APP_NAME,
                "-DresourceGroup=orders-rg", "-DappRegion=westeurope", "-DjavaVersion=17",
                "-DinteractiveMode=false", "-DallowTelemetry=false"));
        String repository = System.getProperty("maven.repo.local");
        if (repository != null) {
            command.add("-Dmaven.repo.local=" + repository);
        }
        return command;
    }

    /** Steps 2 to 5 on the generated project in {@code app}; the settings come from {@code sampleSettings}. */
    static void apply(Path app, Path sampleSettings) throws IOException {
        pom(app.resolve("pom.xml"));
        settings(app.resolve("local.settings.json"), sampleSettings);
        Path sources = app.resolve("src").resolve("main").resolve("java").resolve(PACKAGE.replace('.', '/'));
        function(sources.resolve("Function.java"));
        Path tests = app.resolve("src").resolve("test").resolve("java").resolve(PACKAGE.replace('.', '/'));
        test(tests.resolve("FunctionTest.java"));
    }

    private static void pom(Path pom) throws IOException {
        String text = Files.readString(pom);
        text = replaceOnce(text, "<azure.functions.maven.plugin.version>1.40.0</azure.functions.maven.plugin.version>",
                "<azure.functions.maven.plugin.version>1.37.0</azure.functions.maven.plugin.version>");
        text = replaceOnce(text, "        <!-- Test -->\n", DEPENDENCIES + "        <!-- Test -->\n");
        text = replaceOnce(text, "        <plugins>\n", "        <plugins>\n" + SUREFIRE);
        Files.writeString(pom, text);
    }

    /** Step 3: the sample's {@code CALLERGUARD_*} values, added to the app's {@code Values}. */
    private static void settings(Path file, Path sampleSettings) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode app = (ObjectNode) mapper.readTree(file.toFile());
        ObjectNode values = (ObjectNode) app.get("Values");
        mapper.readTree(sampleSettings.toFile()).get("Values").fields().forEachRemaining(field -> {
            if (field.getKey().startsWith("CALLERGUARD_")) {
                values.set(field.getKey(), field.getValue());
            }
        });
        mapper.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), app);
    }

    /** Step 4: the guard in the function: a field, two constructors, and the body inside {@code guard.handle}. */
    private static void function(Path file) throws IOException {
        String text = Files.readString(file);
        text = replaceOnce(text, "import java.util.Optional;\n",
                "import java.util.Optional;\nimport dev.callerguard.CallerGuard;\n");
        text = replaceOnce(text, "public class Function {\n", """
                public class Function {
                    private final CallerGuard guard;

                    public Function() {
                        this(CallerGuard.standard());
                    }

                    Function(CallerGuard guard) {
                        this.guard = guard;
                    }

                """);
        text = replaceOnce(text, "            final ExecutionContext context) {\n",
                "            final ExecutionContext context) {\n"
                        + "        return guard.handle(request, context, caller -> {\n");
        int end = text.lastIndexOf("    }\n}");
        if (end < 0) {
            throw new IllegalStateException("the generated Function.java does not end as the README says");
        }
        text = text.substring(0, end) + "        });\n" + text.substring(end);
        Files.writeString(file, text);
    }

    /** Step 5: the generated test, with the emulated tenant: a guard over it and apim's Authorization header. */
    private static void test(Path file) throws IOException {
        String text = Files.readString(file);
        text = replaceOnce(text, "import org.junit.jupiter.api.Test;\n", """
                import org.junit.jupiter.api.Test;
                import org.junit.jupiter.api.extension.RegisterExtension;
                import dev.callerguard.testkit.EmulatedTenant;
                """);
        text = replaceOnce(text, "public class FunctionTest {\n", """
                public class FunctionTest {
                    @RegisterExtension
                    static final EmulatedTenant TENANT = EmulatedTenant.withLocalSettings();

                """);
        text = replaceOnce(text, "        doReturn(queryBody).when(req).getBody();\n", """
                        doReturn(queryBody).when(req).getBody();
                        doReturn(TENANT.headers("apim")).when(req).getHeaders();
                """);
        text = replaceOnce(text, "new Function().run(req, context)", "new Function(TENANT.guard()).run(req, context)");
        Files.writeString(file, text);
    }

    private static String replaceOnce(String text, String target, String replacement) {
        int at = text.indexOf(target);
        if (at < 0 || text.indexOf(target, at + 1) >= 0) {
            throw new IllegalStateException("expected exactly one '" + target.strip() + "' in the generated project");
        }
        return text.substring(0, at) + replacement + text.substring(at + target.length());
    }
}
