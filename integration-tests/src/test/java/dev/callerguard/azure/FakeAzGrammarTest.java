package dev.callerguard.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.testing.CommandRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fake az refuses, with az's exit code 2, the command lines az's parser refuses: an option the command does not
 * have, a missing required option, a value that is not allowed, a non-integer for an integer option. (That the
 * real CLI 2.74 refuses the same lines is checked by AzureCliLinesIT.)
 */
class FakeAzGrammarTest {
    private static final List<String> FLEX_CREATE = List.of("functionapp", "create", "--name", "app",
            "--resource-group", "rg", "--storage-account", "store", "--flexconsumption-location", "westeurope",
            "--runtime", "java", "--runtime-version", "21", "--instance-memory", "2048", "--maximum-instance-count",
            "40", "--deployment-storage-name", "store", "--deployment-storage-container-name", "c",
            "--deployment-storage-auth-type", "SystemAssignedIdentity", "--output", "none");

    @TempDir
    Path dir;

    @Test
    void aWellFormedLineIsAnswered() throws Exception {
        Files.createDirectories(dir.resolve("exists"));
        Files.writeString(dir.resolve("exists").resolve("container-c"), "");

        CommandRun run = az(FLEX_CREATE);

        assertThat(run.exitCode()).as(run.stderr()).isZero();
    }

    @Test
    void anOptionTheCommandDoesNotHaveIsRefused() throws Exception {
        CommandRun run = az(with(FLEX_CREATE, "--system-assigned", "true"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("unrecognized arguments: --system-assigned true");
    }

    @Test
    void aMissingRequiredOptionIsRefused() throws Exception {
        List<String> line = new ArrayList<>(FLEX_CREATE);
        int at = line.indexOf("--storage-account");
        line.subList(at, at + 2).clear();

        CommandRun run = az(line);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("the following arguments are required: --storage-account");
    }

    @Test
    void aValueOutsideTheAllowedOnesIsRefusedAndCaseIsIgnoredAsAzDoes() throws Exception {
        CommandRun refused = az(replaced(FLEX_CREATE, "SystemAssignedIdentity", "SystemAssigned"));
        CommandRun lowerCase = az(List.of("rest", "--method", "patch", "--uri", "https://example.com/x"));

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.stderr()).contains("'SystemAssigned' is not a valid value for '--deployment-storage-auth-type'");
        assertThat(lowerCase.stderr()).doesNotContain("not a valid value");
    }

    @Test
    void aNonIntegerForAnIntegerOptionIsRefused() throws Exception {
        CommandRun run = az(replaced(FLEX_CREATE, "2048", "2GB"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("argument --instance-memory: invalid int value: '2GB'");
    }

    @Test
    void anOptionWithoutItsValueIsRefused() throws Exception {
        CommandRun run = az(List.of("functionapp", "show", "--name", "app", "--resource-group"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("argument --resource-group: expected one argument");
    }

    @Test
    void anOutputFormatThatDoesNotExistIsRefused() throws Exception {
        CommandRun run = az(List.of("account", "show", "--query", "id", "-o", "text"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("'text' is not a valid value for '-o'");
    }

    private CommandRun az(List<String> args) throws Exception {
        return FakeAzGrammar.runFake(args, dir);
    }

    private static List<String> with(List<String> line, String... more) {
        List<String> longer = new ArrayList<>(line);
        longer.addAll(List.of(more));
        return longer;
    }

    private static List<String> replaced(List<String> line, String value, String by) {
        List<String> changed = new ArrayList<>(line);
        changed.set(changed.indexOf(value), by);
        return changed;
    }
}
