package dev.callerguard.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/**
 * Local stand-in for Microsoft Entra ID and the App Service managed identity endpoint, on loopback:
 * <ul>
 *   <li>{@code GET /{tenant}/v2.0/.well-known/openid-configuration} and {@code GET /{tenant}/discovery/v2.0/keys};</li>
 *   <li>{@code GET /msi/token?resource=&api-version=2019-08-01[&client_id=|principal_id=|object_id=|mi_res_id=]}
 *       with the {@code X-IDENTITY-HEADER} secret, answering as App Service does;</li>
 *   <li>{@code POST /dev/token} (any token shape; a local user's delegated token with {@code "user"} and
 *       {@code "scopes"}) and {@code POST /dev/rotate} (key rotation) for tests and
 *       scripts.</li>
 * </ul>
 * Dev and test code only; never part of the deployed package.
 */
public final class IdentityEmulator implements AutoCloseable {
    public static final int DEFAULT_PORT = 7072;
    public static final String IDENTITY_HEADER = "X-IDENTITY-HEADER";

    private static final Logger LOG = Logger.getLogger(IdentityEmulator.class.getName());

    private final HttpServer server;
    private final ExecutorService executor;
    private final SigningKeyRing keys = new SigningKeyRing();
    private final java.util.concurrent.atomic.AtomicInteger keySetRequests = new java.util.concurrent.atomic.AtomicInteger();
    private final EntraTokens tokens;
    private final String identityHeader;

    private IdentityEmulator(HttpServer server, ExecutorService executor, Clock clock, String identityHeader) {
        this.server = server;
        this.executor = executor;
        this.tokens = new EntraTokens(keys, clock);
        this.identityHeader = identityHeader;
    }

    /**
     * Starts on loopback.
     *
     * @param port           0 for a free port
     * @param identityHeader the secret the managed identity endpoint requires in {@code X-IDENTITY-HEADER}
     */
    public static IdentityEmulator start(int port, String identityHeader, Clock clock) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        http.setExecutor(executor);
        IdentityEmulator emulator = new IdentityEmulator(http, executor, clock, identityHeader);
        http.createContext("/", emulator::route);
        http.start();
        return emulator;
    }

    /** {@code http://localhost:PORT}: the authority CallerGuard is pointed at. */
    public String authority() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** The managed identity endpoint for {@code IDENTITY_ENDPOINT}. */
    public String identityEndpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/msi/token";
    }

    public String keysUrl() {
        return authority() + "/" + LocalIdentities.TENANT_ID + "/discovery/v2.0/keys";
    }

    /** How many times the key set was asked for so far. */
    public int keySetRequests() {
        return keySetRequests.get();
    }

    /** A token of {@code identity} for {@code resource}, as the managed identity endpoint would issue it. */
    public String issue(LocalIdentity identity, String resource) {
        return tokens.sign(tokens.header(), tokens.claims(identity, resource));
    }

    /**
     * As {@link #issue(LocalIdentity, String)}, with each of {@code claimChanges} put into the claims, or removed when
     * its value is {@code null}: the refusals a function's tests want to see (an expired token, another audience).
     */
    public String issue(LocalIdentity identity, String resource, Map<String, ?> claimChanges) {
        return tokens.sign(tokens.header(), changed(tokens.claims(identity, resource), claimChanges));
    }

    /**
     * A delegated access token of {@code user}, signed in to the local client app, for {@code resource}, granting
     * {@code scopes} (space-separated, as {@code scp} holds them), with {@code claimChanges} applied as above.
     */
    public String issueDelegated(LocalUser user, String resource, String scopes, Map<String, ?> claimChanges) {
        return tokens.sign(tokens.header(), changed(tokens.delegatedClaims(user, resource, scopes), claimChanges));
    }

    /** {@code claims} with each change put in, or the claim removed where the change's value is {@code null}. */
    private static Map<String, Object> changed(Map<String, Object> claims, Map<String, ?> changes) {
        changes.forEach((name, value) -> {
            if (value == null) {
                claims.remove(name);
            } else {
                claims.put(name, value);
            }
        });
        return claims;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void route(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            String tenantPrefix = "/" + LocalIdentities.TENANT_ID;
            if (!HttpExchanges.hostIsThisMachine(exchange)) {
                HttpExchanges.json(exchange, 403, error("host_not_allowed",
                        "The local emulator answers only requests for localhost."));
                return;
            }
            if (path.startsWith("/dev/") && exchange.getRequestHeaders().containsKey("Origin")) {
                // A browser sends Origin on cross-site requests: no web page may mint tokens or rotate keys here.
                HttpExchanges.json(exchange, 403, error("origin_not_allowed",
                        "The emulator's /dev endpoints do not answer requests from web pages."));
                return;
            }
            if (method.equals("GET") && path.equals(tenantPrefix + "/v2.0/.well-known/openid-configuration")) {
                HttpExchanges.json(exchange, 200, openIdConfiguration());
            } else if (method.equals("GET") && path.equals(tenantPrefix + "/discovery/v2.0/keys")) {
                keySetRequests.incrementAndGet();
                HttpExchanges.json(exchange, 200, keys.jwks());
            } else if (method.equals("GET") && path.equals("/msi/token")) {
                managedIdentityToken(exchange);
            } else if (method.equals("POST") && path.equals("/dev/token")) {
                devToken(exchange);
            } else if (method.equals("POST") && path.equals("/dev/rotate")) {
                String kid = keys.rotate().kid();
                LOG.info(() -> "Signing key rotated; now signing with kid " + kid);
                HttpExchanges.json(exchange, 200, Map.of("kid", kid));
            } else {
                HttpExchanges.json(exchange, 404, error("not_found", "No such endpoint on the local emulator."));
            }
        } catch (RuntimeException e) {
            HttpExchanges.json(exchange, 500, error("server_error", e.getClass().getSimpleName()));
        }
    }

    private Map<String, Object> openIdConfiguration() {
        String base = authority() + "/" + LocalIdentities.TENANT_ID;
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("issuer", base + "/v2.0");
        config.put("jwks_uri", base + "/discovery/v2.0/keys");
        config.put("token_endpoint", base + "/oauth2/v2.0/token");
        config.put("authorization_endpoint", base + "/oauth2/v2.0/authorize");
        config.put("response_types_supported", List.of("code", "id_token", "token"));
        config.put("subject_types_supported", List.of("pairwise"));
        config.put("id_token_signing_alg_values_supported", List.of("RS256"));
        config.put("tenant_region_scope", "local");
        return config;
    }

    private void managedIdentityToken(HttpExchange exchange) throws IOException {
        String secret = exchange.getRequestHeaders().getFirst(IDENTITY_HEADER);
        if (secret == null || !secret.equals(identityHeader)) {
            HttpExchanges.json(exchange, 401, error("unauthorized",
                    "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER."));
            return;
        }
        Map<String, String> query;
        try {
            query = HttpExchanges.query(exchange.getRequestURI().getRawQuery());
        } catch (IllegalArgumentException e) {
            HttpExchanges.json(exchange, 400, error("invalid_request", "The query is not valid percent-encoding."));
            return;
        }
        String resource = query.get("resource");
        if (resource == null || resource.isBlank()) {
            HttpExchanges.json(exchange, 400, error("invalid_request", "The resource parameter is required."));
            return;
        }
        Optional<String> selector = List.of("client_id", "principal_id", "object_id", "mi_res_id").stream()
                .map(query::get).filter(v -> v != null && !v.isBlank()).findFirst();
        Optional<LocalIdentity> identity = selector.isPresent()
                ? LocalIdentities.byId(selector.get()) : Optional.of(LocalIdentities.APP);
        if (identity.isEmpty()) {
            HttpExchanges.json(exchange, 400, error("invalid_request",
                    "No managed identity with that id is assigned to this resource."));
            return;
        }
        Map<String, Object> claims = tokens.claims(identity.get(), resource);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.sign(tokens.header(), claims));
        body.put("expires_on", String.valueOf(claims.get("exp")));
        body.put("resource", resource);
        body.put("token_type", "Bearer");
        body.put("client_id", identity.get().clientId());
        LOG.info(() -> "Managed identity token issued to " + identity.get().name() + " for " + resource);
        HttpExchanges.json(exchange, 200, body);
    }

    private void devToken(HttpExchange exchange) throws IOException {
        JsonNode request;
        try {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            request = raw.length == 0 ? HttpExchanges.MAPPER.createObjectNode() : HttpExchanges.MAPPER.readTree(raw);
        } catch (IOException e) {
            request = null;
        }
        if (request == null || !request.isObject()) {
            HttpExchanges.json(exchange, 400, error("invalid_request",
                    "Send {\"claims\": {...}, \"header\": {...}}, with \"user\": \"ada\" and \"scopes\": \"A B\" for a "
                            + "delegated token; a null value removes a field."));
            return;
        }
        Map<String, Object> header = tokens.header();
        Map<String, Object> claims;
        JsonNode user = request.get("user");
        if (user == null) {
            claims = tokens.claims(LocalIdentities.APIM, LocalIdentities.API_APP_ID_URI);
        } else {
            Optional<LocalUser> known = user.isTextual() ? LocalIdentities.userByName(user.asText()) : Optional.empty();
            JsonNode scopes = request.get("scopes");
            if (known.isEmpty() || (scopes != null && !scopes.isTextual())) {
                HttpExchanges.json(exchange, 400, error("invalid_request", "\"user\" names a user of the local "
                        + "tenant (" + LocalIdentities.USERS.stream().map(LocalUser::name).toList()
                        + ") and \"scopes\", if given, is a string of space-separated scopes."));
                return;
            }
            claims = tokens.delegatedClaims(known.get(), LocalIdentities.API_APP_ID_URI,
                    scopes == null ? LocalIdentities.DEFAULT_SCOPE : scopes.asText());
        }
        apply(request.get("header"), header);
        apply(request.get("claims"), claims);
        HttpExchanges.json(exchange, 200, Map.of("access_token", tokens.sign(header, claims)));
    }

    private static void apply(JsonNode changes, Map<String, Object> target) {
        if (changes == null || !changes.isObject()) {
            return;
        }
        changes.fields().forEachRemaining(field -> {
            if (field.getValue().isNull()) {
                target.remove(field.getKey());
            } else {
                target.put(field.getKey(), HttpExchanges.MAPPER.convertValue(field.getValue(), Object.class));
            }
        });
    }

    private static Map<String, String> error(String code, String description) {
        return Map.of("error", code, "error_description", description);
    }
}
