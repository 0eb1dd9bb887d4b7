package dev.callerguard.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The functions host in its own JVM, so that the app's settings are its environment as on Azure. Started with
 * this JVM's class path; the staged app itself is loaded in its own class loader by {@link StagedApp}.
 */
public final class HostProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;

    private HostProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the host and waits until it listens.
     *
     * @param appDir   the staged app
     * @param port     0 for a free port
     * @param settings app settings, added to the inherited environment
     * @param log      where the host's output goes, or {@code null} to share this process's console
     */
    public static HostProcess start(Path appDir, int port, Map<String, String> settings, Path log)
            throws IOException, InterruptedException {
        return start(appDir, port, settings, log, List.of());
    }

    /** As {@link #start(Path, int, Map, Path)}, with JVM options for the host (e.g. {@code -Xmx256m}). */
    public static HostProcess start(Path appDir, int port, Map<String, String> settings, Path log,
                                    List<String> jvmOptions) throws IOException, InterruptedException {
        return start(appDir, port, settings, log, jvmOptions, List.of());
    }

    /** As {@link #start(Path, int, Map, Path, List)}, with further host arguments (e.g. {@code --metrics-port N}). */
    public static HostProcess start(Path appDir, int port, Map<String, String> settings, Path log,
                                    List<String> jvmOptions, List<String> hostArguments)
            throws IOException, InterruptedException {
        Path portFile = Files.createTempFile("callerguard-host", ".port");
        Files.delete(portFile);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-D" + LocalLogging.FORMAT_PROPERTY + "=" + LocalLogging.FORMAT);
        command.add("-Dsun.net.httpserver.nodelay=true");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FunctionsHost.class.getName());
        command.addAll(List.of("--app", appDir.toString(), "--port", String.valueOf(port),
                "--port-file", portFile.toString()));
        command.addAll(hostArguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(settings);
        if (log == null) {
            builder.inheritIO();
        } else {
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        Process process = builder.start();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!Files.exists(portFile) || Files.readString(portFile).isBlank()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroyForcibly();
                throw new IOException("the functions host did not start" + (log == null ? "" : "; see " + log));
            }
            Thread.sleep(50);
        }
        int actualPort = Integer.parseInt(Files.readString(portFile).strip());
        Files.deleteIfExists(portFile);
        return new HostProcess(process, actualPort);
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    /** Waits for the host to exit (it runs until stopped). */
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
