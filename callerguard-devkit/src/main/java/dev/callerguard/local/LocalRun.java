package dev.callerguard.local;

import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.internal.settings.InvalidSettingsException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code scripts/run-local.sh}: starts the identity emulator and the functions host for the staged app with the
 * settings of {@code local.settings.json}, prints the URLs and three example calls, and runs until Ctrl-C.
 *
 * <p>Options: {@code --app DIR} (default the one app staged under {@code target/azure-functions}),
 * {@code --settings FILE} (default {@code local.settings.json}), {@code --emulator-port N} (7072),
 * {@code --host-port N} (7071), {@code --metrics-port N} (9464: the guard's metrics in Prometheus text format at
 * {@code /metrics}), {@code --easy-auth} (emulate App Service Authentication), {@code --emulator-only}
 * (no host: the emulator for an app that {@code func start} serves, and the settings it needs).
 */
public final class LocalRun {
    /** Where the session's endpoint and identity header are written for {@code scripts/call.sh}. */
    public static final Path SESSION_FILE = Path.of("target", "local-run", "session.env");

    private LocalRun() {
    }

    /**
     * The staged app to serve: {@code --app DIR}, else the one app {@code mvn package} staged under
     * {@code target/azure-functions} of the current folder (a function app's project folder).
     */
    static Path appDirectory(Map<String, String> options) throws IOException {
        return options.containsKey("app") ? Path.of(options.get("app"))
                : StagedApp.find(Path.of("target", "azure-functions"));
    }

    /** The app's local settings: {@code --settings FILE}, else {@code local.settings.json} of the current folder. */
    static Path settingsFile(Map<String, String> options) {
        return Path.of(options.getOrDefault("settings", "local.settings.json"));
    }

    public static void main(String[] args) throws Exception {
        LocalLogging.configure();
        Map<String, String> options = options(args);
        String identityHeader = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        int hostPort = Integer.parseInt(options.getOrDefault("host-port", String.valueOf(FunctionsHost.DEFAULT_PORT)));
        if (options.containsKey("emulator-only")) {
            IdentityEmulator emulator = IdentityEmulator.start(Integer.parseInt(options.getOrDefault("emulator-port",
                    String.valueOf(IdentityEmulator.DEFAULT_PORT))), identityHeader, Clock.systemUTC());
            Runtime.getRuntime().addShutdownHook(new Thread(emulator::close));
            writeSession(emulator, identityHeader, "http://localhost:" + hostPort);
            System.out.println(emulatorOnlyBanner(emulator, SESSION_FILE.toAbsolutePath()));
            Thread.currentThread().join();
            return;
        }
        Path appDir = appDirectory(options);
        int metricsPort = Integer.parseInt(options.getOrDefault("metrics-port", String.valueOf(LocalMetrics.DEFAULT_PORT)));
        Map<String, String> settings = LocalSettings.read(settingsFile(options), System.getenv());

        IdentityEmulator emulator = IdentityEmulator.start(
                Integer.parseInt(options.getOrDefault("emulator-port", String.valueOf(IdentityEmulator.DEFAULT_PORT))),
                identityHeader, Clock.systemUTC());
        Map<String, String> appSettings = appSettings(settings, emulator, identityHeader, hostPort,
                options.containsKey("easy-auth"));
        try {
            GuardSettings.load(appSettings);
        } catch (InvalidSettingsException e) {
            emulator.close();
            System.err.println(e.getMessage());
            System.exit(1);
        }
        HostProcess host;
        try {
            host = HostProcess.start(appDir, hostPort, appSettings, null, List.of(), metricsPort == 0 ? List.of()
                    : List.of("--metrics-port", String.valueOf(metricsPort)));
        } catch (IOException | RuntimeException e) {
            emulator.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            host.close();
            emulator.close();
        }));
        writeSession(emulator, identityHeader, host.baseUrl());
        System.out.println(banner(emulator, host, appSettings, StagedApp.routes(appDir), metricsPort));
        host.waitFor();
    }

    /**
     * The app's settings: the file's values, the emulator's endpoints (its authority replaces one on this machine or
     * none), and Easy Auth emulation if asked.
     */
    public static Map<String, String> appSettings(Map<String, String> settings, IdentityEmulator emulator,
                                                  String identityHeader, int hostPort, boolean easyAuth) {
        Map<String, String> app = new LinkedHashMap<>(settings);
        String authority = app.get(GuardSettings.AUTHORITY);
        if (authority == null || authority.isBlank() || isThisMachine(authority)) {
            app.put(GuardSettings.AUTHORITY, emulator.authority());
        }
        app.put("IDENTITY_ENDPOINT", emulator.identityEndpoint());
        app.put("IDENTITY_HEADER", identityHeader);
        app.put("WEBSITE_HOSTNAME", "localhost:" + hostPort);
        if (easyAuth) {
            app.put(GuardSettings.WEBSITE_AUTH_ENABLED, "true");
        }
        return app;
    }

    /** Whether the authority names this machine (localhost or a loopback address), in any case. */
    private static boolean isThisMachine(String authority) {
        String host = URI.create(authority.strip()).getHost();
        return host != null && GuardSettings.isLoopback(host);
    }

    private static void writeSession(IdentityEmulator emulator, String identityHeader, String baseUrl)
            throws IOException {
        Files.createDirectories(SESSION_FILE.getParent());
        Files.writeString(SESSION_FILE, String.join("\n",
                "IDENTITY_ENDPOINT=" + emulator.identityEndpoint(),
                "IDENTITY_HEADER=" + identityHeader,
                "CALLERGUARD_EMULATOR=" + emulator.authority(),
                "CALLERGUARD_BASE_URL=" + baseUrl,
                ""));
    }

    private static String banner(IdentityEmulator emulator, HostProcess host, Map<String, String> appSettings,
                                 List<String> routes, int metricsPort) {
        String first = exampleRoute(routes);
        StringBuilder text = new StringBuilder();
        text.append("\nCallerGuard is running locally (Ctrl-C stops it).\n")
                .append("  functions host   ").append(host.baseUrl()).append(routes.isEmpty() ? "" : " " + routes)
                .append("\n  Entra emulator   ").append(emulator.authority()).append("/")
                .append(LocalIdentities.TENANT_ID).append("/v2.0/.well-known/openid-configuration")
                .append("\n  managed identity ").append(emulator.identityEndpoint())
                .append("\n  Easy Auth        ").append("true".equalsIgnoreCase(
                        appSettings.get(GuardSettings.WEBSITE_AUTH_ENABLED)) ? "emulated" : "off (--easy-auth turns it on)")
                .append("\n  metrics          ").append(metricsPort == 0 ? "off (--metrics-port 0)"
                        : "http://localhost:" + metricsPort + "/metrics (Prometheus text format; a summary line on Ctrl-C)");
        identities(text);
        text.append("\nTry, in another shell:\n")
                .append(String.format("  curl -i %s%-18s # 401: no token%n", host.baseUrl(), first))
                .append(String.format("  scripts/call.sh intruder %-12s # 403: valid identity, not allowed%n", first))
                .append(String.format("  scripts/call.sh apim %-16s # 200: the allowed managed identity%n", first));
        return text.toString();
    }

    /**
     * The route the banner's example calls use: the first that is not a health route (the sample's {@code health} is
     * not guarded, so a call without a token gets 200 there, not the 401 the banner promises).
     */
    static String exampleRoute(List<String> routes) {
        return routes.stream().filter(route -> !route.endsWith("/" + FunctionsHost.HEALTH_ROUTE)).findFirst()
                .orElse(routes.isEmpty() ? "/api/" : routes.get(0));
    }

    /**
     * For {@code func start} (Core Tools) instead of the dev kit's host: the emulator alone, and the values to put
     * into the app's {@code local.settings.json} so that the app on the real host verifies the emulator's tokens
     * and asks its managed identity endpoint.
     */
    private static String emulatorOnlyBanner(IdentityEmulator emulator, Path managedIdentityFile) {
        StringBuilder text = new StringBuilder();
        text.append("\nThe emulated Entra ID tenant and managed identity endpoint are running (Ctrl-C stops them).\n")
                .append("  Entra emulator   ").append(emulator.authority()).append("/").append(LocalIdentities.TENANT_ID)
                .append("/v2.0/.well-known/openid-configuration\n")
                .append("  managed identity ").append(emulator.identityEndpoint()).append("\n\n")
                .append("Put these into the Values of your app's local.settings.json, then run func start\n")
                .append("(CALLERGUARD_ALLOWED_CALLERS names who may call; here apim):\n")
                .append("    \"CALLERGUARD_TENANT_ID\": \"").append(LocalIdentities.TENANT_ID).append("\",\n")
                .append("    \"CALLERGUARD_AUDIENCES\": \"").append(LocalIdentities.API_APP_ID_URI).append(",")
                .append(LocalIdentities.API_CLIENT_ID).append("\",\n")
                .append("    \"CALLERGUARD_ALLOWED_CALLERS\": \"").append(LocalIdentities.APIM.objectId()).append("\",\n")
                .append("    \"CALLERGUARD_AUTHORITY\": \"").append(emulator.authority()).append("\"\n")
                .append("An app that asks for its own managed identity's tokens also needs IDENTITY_ENDPOINT and\n")
                .append("IDENTITY_HEADER (new on each start, not printed): they are in ").append(managedIdentityFile)
                .append(".");
        identities(text);
        text.append("\nscripts/call.sh and scripts/token.sh use this emulator; call.sh calls http://localhost:7071 ")
                .append("(--host-port N for another port).\n");
        return text.toString();
    }

    private static void identities(StringBuilder text) {
        text.append("\n\nIdentities of the local tenant ").append(LocalIdentities.TENANT_ID).append(":\n");
        for (LocalIdentity identity : LocalIdentities.ALL) {
            text.append(String.format("  %-9s oid %s  %s%n", identity.name(), identity.objectId(), identity.what()));
        }
        for (LocalUser user : LocalIdentities.USERS) {
            text.append(String.format("  %-9s oid %s  %s: scripts/token.sh --user %s [--scopes 'A B']%n",
                    user.name(), user.objectId(), user.what(), user.name()));
        }
    }

    /** {@code --name value} pairs; a flag without a value maps to {@code "true"}. */
    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + args[i]);
            }
            String name = args[i].substring(2);
            boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
            options.put(name, hasValue ? args[++i] : "true");
        }
        return options;
    }
}
