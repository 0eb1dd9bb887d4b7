package dev.callerguard.azure;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real Azure CLI 2.74 (Debian's build, set up by {@code ../shared/tools/azure-cli.sh} into
 * {@code target/azure-cli}), never logged in, used as a checker of command lines: a line its parser accepts ends
 * with "Please run 'az login'" (exit 1), a line it refuses exits 2. Only the parser is exercised: command and flag
 * names, required flags, choices and int types. Nothing a command checks after login is (resource names,
 * regions, runtime versions, that a {@code --body @file} exists).
 *
 * <p>It runs in its own configuration directory, {@code target/azure-cli-config}, made empty once per JVM and
 * checked to be logged out, so nothing touches {@code ~/.azure} and no line can reach Azure.
 */
final class RealAzureCli {
    static final Path HOME = Path.of("target", "azure-cli");
    private static final Path SETUP_SCRIPT = Path.of("..", "shared", "tools", "azure-cli.sh");
    private static final Path CONFIG_DIR = Path.of("target", "azure-cli-config");
    private static final Path VALIDATE_BODY = Path.of("integration-tests", "src", "test", "resources", "azure", "validate-body.py");
    private static final long SETUP_TIMEOUT_SECONDS = 600;
    private static final long LINE_TIMEOUT_SECONDS = 120;
    /** The machine has two cores; each check is one single-threaded Python process. */
    private static final int PARALLEL_CHECKS = 2;
    /** Debian's build prints these for modules it cannot load (monitor, rdbms), before the real answer. */
    private static final String MODULE_LOADING_NOISE = "ERROR: Error loading command module";

    private static RealAzureCli installed;

    private final Path az;
    private final Path configDir;
    private final Path scratch;

    private RealAzureCli(Path az, Path configDir, Path scratch) {
        this.az = az;
        this.configDir = configDir;
        this.scratch = scratch;
    }

    /**
     * The CLI in target/azure-cli, set up there first when it is missing (about 2 minutes). Fails, never skips,
     * when the set-up script is missing or fails, or when the CLI turns out to be logged in.
     */
    static synchronized RealAzureCli installed() throws IOException, InterruptedException {
        if (installed != null) {
            return installed;
        }
        Path az = HOME.resolve("az").toAbsolutePath();
        if (!Files.isRegularFile(az)) {
            setUp();
        }
        Path configDir = CONFIG_DIR.toAbsolutePath();
        deleteRecursively(configDir);
        Files.createDirectories(configDir);
        Path scratch = Files.createDirectories(Path.of("target", "azure-cli-runs").toAbsolutePath());
        RealAzureCli cli = new RealAzureCli(az, configDir, scratch);
        // The first call also builds the command index of the new configuration directory (about 10 s).
        Check loggedOut = cli.check(List.of("account", "show"));
        if (loggedOut.verdict() != Verdict.ACCEPTED) {
            throw new AssertionError("the real az CLI in " + HOME + " must answer 'az account show' with "
                    + "\"Please run 'az login'\" (exit 1); it gave " + loggedOut);
        }
        installed = cli;
        return cli;
    }

    private static void setUp() throws IOException, InterruptedException {
        if (!Files.isRegularFile(SETUP_SCRIPT)) {
            throw new AssertionError("no " + HOME.resolve("az") + " and no " + SETUP_SCRIPT.toAbsolutePath()
                    + " to set it up with: the shared test material must be checked out beside the project");
        }
        Files.createDirectories(HOME);
        Path log = HOME.resolveSibling("azure-cli-setup.log");
        System.out.println("Setting up the real Azure CLI in " + HOME + " (about 2 minutes; log " + log + ")");
        long start = System.nanoTime();
        Process process = new ProcessBuilder("sh", SETUP_SCRIPT.toString(), HOME.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(SETUP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("sh " + SETUP_SCRIPT + " " + HOME + " did not finish in "
                    + SETUP_TIMEOUT_SECONDS + " s; its output:\n" + Files.readString(log));
        }
        if (process.exitValue() != 0 || !Files.isRegularFile(HOME.resolve("az"))) {
            throw new AssertionError("sh " + SETUP_SCRIPT + " " + HOME + " failed (exit " + process.exitValue()
                    + "); its output:\n" + Files.readString(log));
        }
        System.out.printf("Set up the real Azure CLI in %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    /** Runs {@code az ARGS} (no shell, stdin /dev/null) and tells what its parser made of it. */
    Check check(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(az.toString());
        command.addAll(args);
        Path stderr = Files.createTempFile(scratch, "stderr", ".txt");
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("AZURE_CONFIG_DIR", configDir.toString());
        Process process = builder.start();
        if (!process.waitFor(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("az " + String.join(" ", args) + " did not finish in " + LINE_TIMEOUT_SECONDS
                    + " s");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String errors = Files.readString(stderr);
        Files.delete(stderr);
        return new Check(args, process.exitValue(), errors, seconds);
    }

    /** {@link #check} for each of {@code argvs}, two at a time; the results in the order of {@code argvs}. */
    List<Check> checkAll(List<List<String>> argvs) throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_CHECKS);
        try {
            List<Future<Check>> futures = new ArrayList<>();
            for (List<String> args : argvs) {
                futures.add(pool.submit(() -> check(args)));
            }
            List<Check> checks = new ArrayList<>();
            for (Future<Check> future : futures) {
                checks.add(future.get());
            }
            return checks;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Runs src/test/resources/azure/validate-body.py with the CLI's own Python packages: checks {@code body}
     * against {@code modelClass} of {@code modelsModule} (e.g. azure.mgmt.apimanagement.models PolicyContract).
     */
    BodyCheck validateBody(String modelsModule, String modelClass, Path body) throws IOException, InterruptedException {
        Path packages = HOME.resolve("root/usr/lib/python3/dist-packages").toAbsolutePath();
        Path linkedSystemPackages = HOME.resolve("sysdp").toAbsolutePath();
        Path output = Files.createTempFile(scratch, "validate", ".txt");
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/python3", "-S", VALIDATE_BODY.toString(), modelsModule,
                modelClass, body.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("PYTHONPATH", packages + ":" + linkedSystemPackages);
        Process process = builder.start();
        if (!process.waitFor(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(VALIDATE_BODY + " " + body + " did not finish in " + LINE_TIMEOUT_SECONDS + " s");
        }
        String printed = Files.readString(output);
        Files.delete(output);
        return new BodyCheck(process.exitValue(), printed);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** What the parser made of a line. */
    enum Verdict {
        /** The parser accepted it: the CLI got as far as asking for a login (or for the subscription). */
        ACCEPTED,
        /** A parse error (exit 2): an unknown command or flag, a missing required flag, a value not allowed. */
        REFUSED,
        /** Anything else: neither answer, so the line was not checked. */
        OTHER
    }

    /** One run of {@code az ARGS}: its exit code, what it printed on stderr, and how long it took. */
    record Check(List<String> args, int exitCode, String stderr, double seconds) {

        Verdict verdict() {
            boolean accountSet = args.size() >= 2 && args.get(0).equals("account") && args.get(1).equals("set");
            if (exitCode == 1 && (stderr.contains("Please run 'az login'")
                    || (accountSet && stderr.contains("doesn't exist in cloud")))) {
                return Verdict.ACCEPTED;
            }
            return exitCode == 2 ? Verdict.REFUSED : Verdict.OTHER;
        }

        /** The first line of stderr that says something, past the noise of Debian's unloadable modules. */
        String firstErrorLine() {
            return stderr.lines().filter(line -> !line.isBlank() && !line.startsWith(MODULE_LOADING_NOISE))
                    .findFirst().orElse("(nothing on stderr)");
        }

        @Override
        public String toString() {
            return "az " + String.join(" ", args) + "\n  -> exit " + exitCode + "\n" + stderr.indent(4);
        }
    }

    /** What validate-body.py said: exit 0 clean, 1 problems (one "ERROR path: problem" line each), 2 unusable. */
    record BodyCheck(int exitCode, String output) {
    }
}
