package dev.callerguard.local;

import dev.callerguard.auth.GuardSettings;
import dev.callerguard.auth.InvalidSettingsException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code scripts/run-local.sh}: starts the identity emulator and the functions host for the staged app with the
 * settings of {@code local.settings.json}, prints the URLs and three example calls, and runs until Ctrl-C.
 *
 * <p>Options: {@code --settings FILE} (default {@code local.settings.json}), {@code --emulator-port N} (7072),
 * {@code --host-port N} (7071), {@code --easy-auth} (emulate App Service Authentication), {@code --app DIR}.
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
        Path appDir = appDirectory(options);
        Map<String, String> settings = LocalSettings.read(settingsFile(options), System.getenv());
        String identityHeader = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));

        IdentityEmulator emulator = IdentityEmulator.start(
                Integer.parseInt(options.getOrDefault("emulator-port", String.valueOf(IdentityEmulator.DEFAULT_PORT))),
                identityHeader, Clock.systemUTC());
        int hostPort = Integer.parseInt(options.getOrDefault("host-port", String.valueOf(FunctionsHost.DEFAULT_PORT)));
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
            host = HostProcess.start(appDir, hostPort, appSettings, null);
        } catch (IOException | RuntimeException e) {
            emulator.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            host.close();
            emulator.close();
        }));
        writeSession(emulator, identityHeader, host);
        System.out.println(banner(emulator, host, appSettings));
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

    private static void writeSession(IdentityEmulator emulator, String identityHeader, HostProcess host)
            throws IOException {
        Files.createDirectories(SESSION_FILE.getParent());
        Files.writeString(SESSION_FILE, String.join("\n",
                "IDENTITY_ENDPOINT=" + emulator.identityEndpoint(),
                "IDENTITY_HEADER=" + identityHeader,
                "CALLERGUARD_EMULATOR=" + emulator.authority(),
                "CALLERGUARD_BASE_URL=" + host.baseUrl(),
                ""));
    }

    private static String banner(IdentityEmulator emulator, HostProcess host, Map<String, String> appSettings) {
        StringBuilder text = new StringBuilder();
        text.append("\nCallerGuard is running locally (Ctrl-C stops it).\n")
                .append("  functions host   ").append(host.baseUrl()).append("/api/{health,whoami,hello,reports,relay}")
                .append("\n  Entra emulator   ").append(emulator.authority()).append("/")
                .append(LocalIdentities.TENANT_ID).append("/v2.0/.well-known/openid-configuration")
                .append("\n  managed identity ").append(emulator.identityEndpoint())
                .append("\n  Easy Auth        ").append("true".equalsIgnoreCase(
                        appSettings.get(GuardSettings.WEBSITE_AUTH_ENABLED)) ? "emulated" : "off (--easy-auth turns it on)")
                .append("\n\nIdentities of the local tenant ").append(LocalIdentities.TENANT_ID).append(":\n");
        for (LocalIdentity identity : LocalIdentities.ALL) {
            text.append(String.format("  %-9s oid %s  %s%n", identity.name(), identity.objectId(), identity.what()));
        }
        text.append("\nTry, in another shell:\n")
                .append("  curl -i ").append(host.baseUrl()).append("/api/hello          # 401: no token\n")
                .append("  scripts/call.sh intruder /api/hello   # 403: valid identity, not allowed\n")
                .append("  scripts/call.sh apim /api/hello       # 200: the allowed managed identity\n");
        return text.toString();
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
