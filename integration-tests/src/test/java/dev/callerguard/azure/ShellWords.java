package dev.callerguard.azure;

import dev.callerguard.testing.CommandRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The words of a command line as bash reads them, from bash itself ({@code eval "set -- LINE"}), so that no
 * hand-made parser of shell quoting is needed. Only for lines our own scripts printed: the line is evaluated.
 */
final class ShellWords {
    private static final String SPLIT = "eval \"set -- $1\"; printf '%s\\0' \"$@\"";
    private static final long TIMEOUT_SECONDS = 10;

    private ShellWords() {
    }

    /** The words of {@code line}; {@code dir} holds bash's output files. */
    static List<String> of(String line, Path dir) throws IOException, InterruptedException {
        CommandRun run = CommandRun.of(dir, List.of("bash", "-c", SPLIT, "_", line), Map.of(), TIMEOUT_SECONDS);
        if (run.exitCode() != 0 || !run.stderr().isEmpty()) {
            throw new AssertionError("bash cannot read the printed line " + line + "\n" + run.stderr());
        }
        // Every word ends with a NUL: the last field of the split is the empty rest after the last one.
        List<String> words = List.of(run.stdout().split("\0", -1));
        return words.subList(0, words.size() - 1);
    }
}
