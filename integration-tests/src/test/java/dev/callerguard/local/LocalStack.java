package dev.callerguard.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The local run as {@code scripts/run-local.sh} starts it, on free ports: the identity emulator in this JVM and
 * the functions host in its own, serving the staged app with the settings of {@code local.settings.json}.
 * Tokens come from the managed identity endpoint through msal4j, in a separate JVM as {@code scripts/token.sh}
 * gets them.
 */
public final class LocalStack implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public final IdentityEmulator emulator;
    public final HostProcess host;
    public final String identityHeader;
    /** The host's log file (its standard output and error). */
    public final Path hostLog;

    private LocalStack(IdentityEmulator emulator, HostProcess host, String identityHeader, Path hostLog) {
        this.emulator = emulator;
        this.host = host;
        this.identityHeader = identityHeader;
        this.hostLog = hostLog;
    }

    /** Starts the emulator and the host; {@code easyAuth} plays App Service Authentication in front. */
    public static LocalStack start(boolean easyAuth) throws IOException, InterruptedException {
        return start(easyAuth, List.of());
    }

    /** As {@link #start(boolean)}, with JVM options for the host process. */
    public static LocalStack start(boolean easyAuth, List<String> hostJvmOptions)
            throws IOException, InterruptedException {
        return start(easyAuth, hostJvmOptions, Map.of());
    }

    /**
     * As {@link #start(boolean, List)}, with {@code environment} overriding settings of {@code local.settings.json}
     * as the shell's environment does for {@code scripts/run-local.sh}.
     */
    public static LocalStack start(boolean easyAuth, List<String> hostJvmOptions, Map<String, String> environment)
            throws IOException, InterruptedException {
        return start(easyAuth, hostJvmOptions, environment,
                StagedApp.find(Path.of("sample-app", "target", "azure-functions")));
    }

    /** As {@link #start(boolean, List, Map)}, serving the app staged in {@code appDir}. */
    public static LocalStack start(boolean easyAuth, List<String> hostJvmOptions, Map<String, String> environment,
                                   Path appDir) throws IOException, InterruptedException {
        String identityHeader = UUID.randomUUID().toString();
        IdentityEmulator emulator = IdentityEmulator.start(0, identityHeader, Clock.systemUTC());
        int hostPort = freePort();
        Map<String, String> settings = LocalRun.appSettings(
                LocalSettings.read(Path.of("sample-app", "local.settings.json"), environment), emulator, identityHeader, hostPort,
                easyAuth);
        Path log = Path.of("target", "local-run-it", "host-" + (easyAuth ? "easy-auth" : "plain") + "-"
                + hostPort + ".log");
        Files.createDirectories(log.getParent());
        HostProcess host = HostProcess.start(appDir, hostPort, settings, log, hostJvmOptions);
        return new LocalStack(emulator, host, identityHeader, log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A managed identity token of {@code identity} for the CallerGuard API, acquired with msal4j. */
    public String token(LocalIdentity identity) throws IOException, InterruptedException {
        return tokenCli(identityHeader, identity.name());
    }

    /** Runs {@code TokenCli} as {@code scripts/token.sh} does; its exit code and output. */
    public CliResult tokenCliResult(String identityHeaderToSend, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.callerguard.local.TokenCli"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("IDENTITY_ENDPOINT", emulator.identityEndpoint());
        builder.environment().put("IDENTITY_HEADER", identityHeaderToSend);
        builder.environment().put("CALLERGUARD_EMULATOR", emulator.authority());
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("TokenCli did not finish");
        }
        return new CliResult(process.exitValue(), new String(out, StandardCharsets.UTF_8).strip(),
                new String(err, StandardCharsets.UTF_8));
    }

    private String tokenCli(String header, String... args) throws IOException, InterruptedException {
        CliResult result = tokenCliResult(header, args);
        if (result.exitCode() != 0) {
            throw new IOException("TokenCli failed: " + result.stderr());
        }
        return result.stdout();
    }

    /** A token of any shape from {@code POST /dev/token}. */
    public String shapedToken(String requestJson) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(emulator.authority()
                        + "/dev/token")).POST(HttpRequest.BodyPublishers.ofString(requestJson)).build(),
                HttpResponse.BodyHandlers.ofString());
        return MAPPER.readTree(response.body()).get("access_token").asText();
    }

    /** Rotates the emulator's signing key; returns the new kid. */
    public String rotateKeys() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(emulator.authority()
                + "/dev/rotate")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        return MAPPER.readTree(response.body()).get("kid").asText();
    }

    /** Calls the host with a bearer token (or none) and extra headers (name, value, name, value...). */
    public HttpResponse<String> call(String method, String path, String token, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(host.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path, String token, String... headers)
            throws IOException, InterruptedException {
        return call("GET", path, token, null, headers);
    }

    public static JsonNode json(HttpResponse<String> response) throws IOException {
        return MAPPER.readTree(response.body());
    }

    /** A token's header or payload as JSON (segment 0 or 1). */
    public static JsonNode segment(String token, int index) throws IOException {
        return MAPPER.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[index]));
    }

    @Override
    public void close() {
        host.close();
        emulator.close();
    }

    /** What a CLI run printed and returned. */
    public record CliResult(int exitCode, String stdout, String stderr) {
    }
}
