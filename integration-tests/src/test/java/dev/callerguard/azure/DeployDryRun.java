package dev.callerguard.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.testing.CommandRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code scripts/azure/deploy.sh --dry-run} printed: each {@code  [dry-run] COMMAND} line as printed (shell
 * quoted by common.sh's shell_quote), and each body printed after {@code  [dry-run] body of NAME:}, indented six
 * spaces, by NAME.
 */
record DeployDryRun(List<String> commandLines, Map<String, String> bodies) {
    private static final String COMMAND = "  [dry-run] ";
    private static final String BODY = "  [dry-run] body of ";
    private static final String BODY_INDENT = "      ";
    private static final long TIMEOUT_SECONDS = 60;

    /** Runs the dry run with {@code config} in {@code dir} (its temporary files too); it must exit 0. */
    static DeployDryRun of(Path config, Path dir) throws IOException, InterruptedException {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        CommandRun run = CommandRun.of(dir,
                List.of(FakeAzure.SCRIPTS.resolve("deploy.sh").toString(), "--dry-run", "--config", config.toString()),
                Map.of("TMPDIR", tmp.toString()), TIMEOUT_SECONDS);
        assertThat(run.exitCode()).as("deploy.sh --dry-run --config %s\n%s", config, run).isZero();
        return parse(run.stdout());
    }

    static DeployDryRun parse(String stdout) {
        List<String> commandLines = new ArrayList<>();
        Map<String, String> bodies = new LinkedHashMap<>();
        List<String> lines = stdout.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith(BODY) && line.endsWith(":")) {
                StringBuilder body = new StringBuilder();
                while (i + 1 < lines.size() && lines.get(i + 1).startsWith(BODY_INDENT)) {
                    body.append(lines.get(++i).substring(BODY_INDENT.length())).append('\n');
                }
                bodies.put(line.substring(BODY.length(), line.length() - 1), body.toString());
            } else if (line.startsWith(COMMAND)) {
                commandLines.add(line.substring(COMMAND.length()));
            }
        }
        return new DeployDryRun(commandLines, bodies);
    }
}
