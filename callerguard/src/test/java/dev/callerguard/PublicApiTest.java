package dev.callerguard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.internal.rules.CallerPolicy;
import dev.callerguard.internal.settings.GuardSettings;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a function author touches is the package {@code dev.callerguard}: three types, and on the guard only
 * methods that read the settings, narrow them or apply them. Everything else sits in {@code dev.callerguard.internal}
 * (not API). A change here is a change of the promise: make it on purpose, with the README.
 */
class PublicApiTest {

    @Test
    void theApiPackageHoldsTheGuardTheVerifiedCallerAndItsSource() throws IOException, URISyntaxException {
        Path classes = Path.of(CallerGuard.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev").resolve("callerguard");
        try (Stream<Path> files = Files.list(classes)) {
            assertThat(files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(".class") && !name.contains("$"))
                    .filter(name -> !name.equals("package-info.class")))
                    .containsExactlyInAnyOrder("CallerGuard.class", "VerifiedCaller.class", "CallerSource.class");
        }
    }

    @Test
    void theGuardOffersOnlyReadingNarrowingAndApplyingTheSettings() {
        List<String> methods = Arrays.stream(CallerGuard.class.getDeclaredMethods())
                .filter(method -> Modifier.isPublic(method.getModifiers())).map(Method::getName).sorted().toList();

        assertThat(methods).containsExactly("handle", "narrowedToCallers", "requiringRoles", "requiringScopes",
                "settingsInError", "standard");
        assertThat(CallerGuard.class.getConstructors()).isEmpty();
    }

    /**
     * Review of issue 19 (an attacker's read of the change): the public {@code CallerGuard.over(GuardRuntime)} let
     * function code build a guard from made-up settings ({@code GuardRuntime.load(k -> "*" ...)}), widening the
     * policy. No public method of the API may take any internal type, a policy or settings.
     */
    @Test
    void noPublicMethodOfTheApiTakesAnInternalTypeAPolicyOrSettings() {
        for (Class<?> type : List.of(CallerGuard.class, VerifiedCaller.class, CallerSource.class)) {
            assertThat(Arrays.stream(type.getMethods()).flatMap(method -> Arrays.stream(method.getParameterTypes())))
                    .as(type.getSimpleName()).noneMatch(parameter -> parameter.getName()
                            .startsWith("dev.callerguard.internal."))
                    .doesNotContain(CallerPolicy.class, GuardSettings.class);
        }
    }
}
