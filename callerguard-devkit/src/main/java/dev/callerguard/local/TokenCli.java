package dev.callerguard.local;

import com.microsoft.aad.msal4j.ManagedIdentityApplication;
import com.microsoft.aad.msal4j.ManagedIdentityId;
import com.microsoft.aad.msal4j.ManagedIdentityParameters;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code scripts/token.sh}: prints an access token from the running local emulator.
 * <ul>
 *   <li>{@code TokenCli <identity> [--resource R]}: the named identity's managed identity token, acquired with
 *       msal4j's {@code ManagedIdentityApplication} through {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER}
 *       exactly as code on App Service does ({@code app} is the system-assigned identity, the others are
 *       user-assigned and selected by client id);</li>
 *   <li>{@code TokenCli --user <user> [--scopes 'A B']} (or {@code TokenCli <user> [--scopes 'A B']}): a delegated token of a user of the local tenant
 *       ({@code ada}) signed in to the local client app, granting those scopes ({@code user_impersonation} by
 *       default), from {@code POST /dev/token} (needs {@code CALLERGUARD_EMULATOR});</li>
 *   <li>{@code TokenCli --claims '<json>' [--header '<json>']}: any token shape from {@code POST /dev/token}
 *       (needs {@code CALLERGUARD_EMULATOR}; with {@code --user}, changes to that user's token).</li>
 * </ul>
 * msal4j's INFO lines (several per token) show only when the system property {@value #VERBOSE} is {@code true}, as
 * {@code scripts/call.sh --verbose} sets it; its warnings and errors always show.
 */
public final class TokenCli {
    static final String VERBOSE = "callerguard.token.verbose";

    /** msal4j logs through SLF4J to java.util.logging; held here so that the level set on it stays. */
    private static final Logger MSAL4J = Logger.getLogger("com.microsoft.aad.msal4j");

    private TokenCli() {
    }

    public static void main(String[] args) throws Exception {
        MSAL4J.setLevel(Boolean.getBoolean(VERBOSE) ? Level.INFO : Level.WARNING);
        try {
            System.out.println(token(args));
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("token: " + e.getMessage());
            System.exit(2);
        } catch (ExecutionException e) {
            System.err.println("token: the managed identity endpoint refused or failed: "
                    + e.getCause().getClass().getSimpleName());
            System.exit(2);
        }
    }

    static String token(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: token.sh <identity> [--resource R] | --user <user> "
                    + "[--scopes 'A B'] | --claims '<json>' [--header '<json>']; identities: " + LocalIdentities.ALL
                    .stream().map(LocalIdentity::name).toList() + ", users: " + LocalIdentities.USERS.stream()
                    .map(LocalUser::name).toList());
        }
        if (args[0].startsWith("--")) {
            return shaped(LocalRun.options(args));
        }
        String name = args[0];
        if (LocalIdentities.userByName(name).isPresent()) {
            Map<String, String> options = new LinkedHashMap<>(LocalRun.options(Arrays.copyOfRange(args, 1, args.length)));
            options.put("user", name);
            return shaped(options);
        }
        LocalIdentity identity = LocalIdentities.byName(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown identity '" + name + "'; known: "
                        + LocalIdentities.ALL.stream().map(LocalIdentity::name).toList()));
        Map<String, String> options = LocalRun.options(Arrays.copyOfRange(args, 1, args.length));
        if (options.containsKey("scopes")) {
            throw new IllegalArgumentException("--scopes goes with a user (" + LocalIdentities.USERS.stream()
                    .map(LocalUser::name).toList() + "): a managed identity's token has no scopes");
        }
        if (System.getenv("IDENTITY_ENDPOINT") == null || System.getenv("IDENTITY_HEADER") == null) {
            throw new IllegalArgumentException("IDENTITY_ENDPOINT and IDENTITY_HEADER are not set; start "
                    + "scripts/run-local.sh first");
        }
        // As code on App Service asks: msal4j reads IDENTITY_ENDPOINT and IDENTITY_HEADER.
        ManagedIdentityId id = identity == LocalIdentities.APP
                ? ManagedIdentityId.systemAssigned() : ManagedIdentityId.userAssignedClientId(identity.clientId());
        String resource = options.getOrDefault("resource", LocalIdentities.API_APP_ID_URI);
        return ManagedIdentityApplication.builder(id).build()
                .acquireTokenForManagedIdentity(ManagedIdentityParameters.builder(resource).build()).get().accessToken();
    }

    private static String shaped(Map<String, String> options) throws IOException, InterruptedException {
        String emulator = Optional.ofNullable(System.getenv("CALLERGUARD_EMULATOR"))
                .orElseThrow(() -> new IllegalArgumentException("CALLERGUARD_EMULATOR is not set; start "
                        + "scripts/run-local.sh first"));
        Map<String, Object> body = new LinkedHashMap<>();
        if (options.containsKey("user")) {
            body.put("user", options.get("user"));
            if (options.containsKey("scopes")) {
                body.put("scopes", options.get("scopes"));
            }
        } else if (options.containsKey("scopes")) {
            throw new IllegalArgumentException("--scopes goes with --user: a managed identity's token has no scopes");
        }
        body.put("claims", HttpExchanges.MAPPER.readTree(options.getOrDefault("claims", "{}")));
        body.put("header", HttpExchanges.MAPPER.readTree(options.getOrDefault("header", "{}")));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(emulator + "/dev/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(HttpExchanges.MAPPER.writeValueAsString(body)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the emulator answered " + response.statusCode() + ": " + response.body());
        }
        return HttpExchanges.MAPPER.readTree(response.body()).get("access_token").asText();
    }
}
