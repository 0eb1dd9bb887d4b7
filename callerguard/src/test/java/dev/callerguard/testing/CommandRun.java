package dev.callerguard.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command run to its end: what it printed and how it ended. Output goes to files in the working directory, so
 * that no pipe can fill up and stall it; stdin is {@code /dev/null}.
 */
public record CommandRun(int exitCode, String stdout, String stderr) {

    /** Runs {@code command} in {@code dir} with the inherited environment plus {@code environment}. */
    public static CommandRun of(Path dir, List<String> command, Map<String, String> environment, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish in " + timeoutSeconds + " s");
        }
        return new CommandRun(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }
}
