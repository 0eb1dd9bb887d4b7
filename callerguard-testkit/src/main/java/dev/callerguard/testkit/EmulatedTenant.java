package dev.callerguard.testkit;

import dev.callerguard.CallerGuard;
import dev.callerguard.EmulatedTenantGuards;
import dev.callerguard.internal.runtime.GuardRuntime;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.internal.settings.InvalidSettingsException;
import dev.callerguard.local.IdentityEmulator;
import dev.callerguard.local.LocalIdentities;
import dev.callerguard.local.LocalIdentity;
import dev.callerguard.local.LocalRun;
import dev.callerguard.local.LocalSettings;
import dev.callerguard.local.LocalUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The dev kit's emulated Entra ID tenant inside a unit test's JVM, so that a guarded function can be tested
 * in-process: {@link #guard()} is a {@link CallerGuard} under the app's own {@code local.settings.json} whose keys come
 * from the emulator over real HTTP, and {@link #authorization(String)} is the {@code Authorization} header a named
 * identity of the local tenant ({@code apim}, {@code intruder}, {@code reporter}, {@code app}) sends. Register it on a
 * static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmulatedTenant TENANT = EmulatedTenant.withLocalSettings();
 *
 * HttpResponseMessage response = new Function(TENANT.guard()).run(request, context);
 * }</pre>
 *
 * <p>The tenant starts before the class's tests and stops after them. Settings that the guard would refuse make
 * {@link #guard()} throw, naming each setting, instead of a guard that answers 503. Not for production code: the
 * test kit belongs in test scope.
 */
public final class EmulatedTenant implements BeforeAllCallback, AfterAllCallback {
    private final Path settingsFile;
    private IdentityEmulator emulator;
    private CallerGuard guard;

    private EmulatedTenant(Path settingsFile) {
        this.settingsFile = settingsFile;
    }

    /** A tenant whose guard takes the {@code Values} of {@code local.settings.json} in the working directory. */
    public static EmulatedTenant withLocalSettings() {
        return withSettings(Path.of("local.settings.json"));
    }

    /**
     * A tenant whose guard takes the {@code CALLERGUARD_*} values of that {@code local.settings.json} file: its tenant,
     * audiences and allowlists must be the local tenant's (as in the sample's file). The authority, key endpoint and
     * issuers are always the emulator's, whatever the file says, so no test reaches the network; the environment is
     * not read.
     */
    public static EmulatedTenant withSettings(Path localSettingsFile) {
        return new EmulatedTenant(localSettingsFile);
    }

    /**
     * A guard under exactly these app settings, as {@link CallerGuard#standard()} is under the app's settings: with
     * settings in error it refuses every request with 503 and {@link CallerGuard#settingsInError()} names them. For
     * testing what a function does under wrong settings; no tenant is started, so a valid set of settings needs a
     * key endpoint of its own.
     */
    public static CallerGuard guardUnder(Map<String, String> appSettings) {
        return EmulatedTenantGuards.over(GuardRuntime.load(appSettings::get, Clock.systemUTC()));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** The guard over this tenant, under the settings file's policy; the same guard until the tenant stops. */
    public synchronized CallerGuard guard() {
        start();
        return guard;
    }

    /**
     * {@code Bearer <token>}: a managed identity token of {@code identity} for the local API
     * ({@code api://a7700000-0000-4000-8000-000000000001}), as APIM's {@code authentication-managed-identity} sends.
     */
    public String authorization(String identity) {
        return "Bearer " + token(identity);
    }

    /**
     * {@code Bearer <token>} of {@code identity} with {@code claimChanges} applied to its claims: each value put in
     * (a string, number, boolean or list), or the claim removed when the value is {@code null}. For example
     * {@code Map.of("exp", 1)} is an expired token, {@code Map.of("roles", List.of("Reports.Read"))} another role.
     */
    public synchronized String authorization(String identity, Map<String, ?> claimChanges) {
        start();
        return "Bearer " + emulator.issue(identity(identity), LocalIdentities.API_APP_ID_URI, claimChanges);
    }

    /**
     * {@code Bearer <token>}: a delegated access token of {@code user} (a user of the local tenant, {@code ada}), signed
     * in to the local client app, for the local API, whose {@code scp} grants {@code scopes} (space-separated, such
     * as {@code "Orders.Read Orders.Write"}; empty for none). The caller is a user: the guard admits it only under
     * {@code CALLERGUARD_CALLER_TYPES=app,user} with its object id allowed.
     */
    public synchronized String userAuthorization(String user, String scopes) {
        start();
        LocalUser known = LocalIdentities.userByName(user).orElseThrow(() -> new IllegalArgumentException("no user '"
                + user + "' in the local tenant; known: " + LocalIdentities.USERS.stream().map(LocalUser::name).toList()));
        return "Bearer " + emulator.issueDelegated(known, LocalIdentities.API_APP_ID_URI, scopes, Map.of());
    }

    /** The request headers of a call by {@code identity}, named in lower case as the Functions host hands them over. */
    public Map<String, String> headers(String identity) {
        return Map.of("authorization", authorization(identity));
    }

    /** How many times the tenant's key set was fetched so far: shows whether a function reached the network. */
    public synchronized int keySetRequests() {
        start();
        return emulator.keySetRequests();
    }

    /** A managed identity token of {@code identity} for the local API. */
    public synchronized String token(String identity) {
        start();
        return emulator.issue(identity(identity), LocalIdentities.API_APP_ID_URI);
    }

    private static LocalIdentity identity(String name) {
        return LocalIdentities.byName(name).orElseThrow(() -> new IllegalArgumentException("no identity '" + name
                + "' in the local tenant; known: " + LocalIdentities.ALL.stream().map(LocalIdentity::name).toList()));
    }

    private synchronized void start() {
        if (emulator != null) {
            return;
        }
        Map<String, String> fileValues;
        try {
            fileValues = LocalSettings.read(settingsFile, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + settingsFile.toAbsolutePath(), e);
        }
        IdentityEmulator started;
        try {
            started = IdentityEmulator.start(0, UUID.randomUUID().toString(), Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the emulated tenant on loopback", e);
        }
        // Always the emulated tenant's endpoints, whatever authority the file names: its tokens are the emulator's.
        Map<String, String> settings = new HashMap<>(LocalRun.appSettings(fileValues, started, "unused", 0, false));
        settings.put(GuardSettings.AUTHORITY, started.authority());
        settings.remove(GuardSettings.KEYS_URL);
        settings.remove(GuardSettings.ISSUERS);
        GuardRuntime runtime = GuardRuntime.load(settings::get, Clock.systemUTC());
        if (!runtime.problems().isEmpty()) {
            started.close();
            throw new IllegalStateException(settingsFile + ": " + new InvalidSettingsException(runtime.problems())
                    .getMessage());
        }
        emulator = started;
        guard = EmulatedTenantGuards.over(runtime);
    }

    private synchronized void stop() {
        if (emulator != null) {
            emulator.close();
            emulator = null;
            guard = null;
        }
    }
}
