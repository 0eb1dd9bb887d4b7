package dev.callerguard.local;

import dev.callerguard.testing.CommandRun;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code scripts/run-local.sh} run as a user runs it, for the integration tests that need the whole local run. */
public final class LocalRunScript {
    private LocalRunScript() {
    }

    /**
     * Starts {@code script} (the project's {@code run-local.sh}) with {@code arguments} in {@code dir}, its output
     * in {@code log}, and waits, boundedly, for its banner: the emulator and the host are up.
     */
    public static Process start(Path script, Path dir, Path log, List<String> arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(arguments);
        Process run = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (text.contains("is running locally")) {
                return run;
            }
            if (!run.isAlive()) {
                throw new AssertionError("run-local.sh ended: " + text);
            }
            Thread.sleep(250);
        }
        stop(run);
        throw new AssertionError("run-local.sh did not start in 5 minutes: " + Files.readString(log));
    }

    /**
     * Runs one of the project's scripts ({@code call.sh}, {@code token.sh}, {@code explain.sh}) as a user runs it from
     * another folder, in a new folder under {@code work} (where {@link CommandRun} keeps its output), bounded by
     * two minutes.
     */
    public static CommandRun script(Path root, Path work, String name, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("scripts").resolve(name).toString()));
        command.addAll(List.of(args));
        return CommandRun.of(Files.createTempDirectory(work, name), command, Map.of(), 120);
    }

    /** Stops the local run and what it started, forcibly after 20 s. */
    public static void stop(Process run) throws InterruptedException {
        run.descendants().forEach(ProcessHandle::destroy);
        run.destroy();
        if (!run.waitFor(20, TimeUnit.SECONDS)) {
            run.descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
        }
    }
}
