package dev.callerguard.sample;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Where {@code /api/relay} calls and for which resource it asks its managed identity's token.
 *
 * @param target   {@code CALLERGUARD_RELAY_URL}; default this app's own {@code /api/whoami}
 *                 ({@code https://$WEBSITE_HOSTNAME/api/whoami}, plain http for localhost)
 * @param resource {@code CALLERGUARD_RELAY_RESOURCE}; default the first {@code api://} audience of this app
 * @param clientId {@code CALLERGUARD_RELAY_CLIENT_ID}: a user-assigned identity's client id; empty for the
 *                 system-assigned identity
 */
record RelaySettings(URI target, String resource, Optional<String> clientId) {
    static final String RELAY_URL = "CALLERGUARD_RELAY_URL";
    static final String RELAY_RESOURCE = "CALLERGUARD_RELAY_RESOURCE";
    static final String RELAY_CLIENT_ID = "CALLERGUARD_RELAY_CLIENT_ID";
    /** The guard's own setting: the relay's default resource is its first {@code api://} audience. */
    static final String AUDIENCES = "CALLERGUARD_AUDIENCES";

    private static final Logger LOG = Logger.getLogger(RelaySettings.class.getName());
    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

    /** The process's relay settings, read from the app settings once, when the relay or health first needs them. */
    static Loaded environment() {
        return Environment.LOADED;
    }

    /**
     * The relay's settings as read: the settings (empty when neither the target nor the resource can be worked out),
     * and every problem of a value that is set but cannot work, each naming the setting and a good value.
     */
    record Loaded(Optional<RelaySettings> settings, List<Problem> problems) {
        Loaded {
            problems = List.copyOf(problems);
        }
    }

    /** A relay setting in error: its name and what a good value looks like; never the value itself. */
    record Problem(String setting, String message) {
    }

    /** Reads and checks the relay's settings; never throws. */
    static Loaded load(Function<String, String> lookup) {
        List<Problem> problems = new ArrayList<>();
        Optional<URI> target = value(lookup, RELAY_URL).flatMap(url -> target(url, problems))
                .or(() -> value(lookup, "WEBSITE_HOSTNAME").flatMap(RelaySettings::ownWhoAmI));
        Optional<String> resource = value(lookup, RELAY_RESOURCE)
                .or(() -> value(lookup, AUDIENCES).flatMap(audiences -> Arrays.stream(
                        audiences.split(",")).map(String::strip).filter(a -> a.startsWith("api://")).findFirst()));
        Optional<String> clientId = value(lookup, RELAY_CLIENT_ID);
        if (clientId.isPresent() && !GUID.matcher(clientId.get()).matches()) {
            problems.add(new Problem(RELAY_CLIENT_ID, "must be the client id (a GUID) of a user-assigned identity of "
                    + "this app, e.g. 00000000-0000-0000-0000-000000000000, or unset for its system-assigned identity"));
        }
        if (!problems.isEmpty() || target.isEmpty() || resource.isEmpty()) {
            return new Loaded(Optional.empty(), problems);
        }
        return new Loaded(Optional.of(new RelaySettings(target.get(), resource.get(), clientId)), problems);
    }

    /**
     * This app's own {@code /api/whoami} at {@code WEBSITE_HOSTNAME} (a host name with an optional port, set by the
     * platform): over https, plain http only for this machine; empty when it is not a host name.
     */
    private static Optional<URI> ownWhoAmI(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        int colon = name.lastIndexOf(':');
        String hostOnly = colon < 0 || name.endsWith("]") ? name : name.substring(0, colon);
        String scheme = loopback(hostOnly) ? "http://" : "https://";
        try {
            URI uri = new URI(scheme + host + "/api/whoami");
            return uri.getHost() == null || uri.getRawUserInfo() != null ? Optional.empty() : Optional.of(uri);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static boolean loopback(String host) {
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    /** The relay URL, if it is an absolute https URL (plain http for this machine only: the app's token goes with it). */
    private static Optional<URI> target(String url, List<Problem> problems) {
        String example = " e.g. https://other-app.azurewebsites.net/api/whoami";
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            if (host.isEmpty() || !(scheme.equals("https") || (scheme.equals("http") && loopback(host)))) {
                problems.add(new Problem(RELAY_URL, "must be an absolute https URL (plain http for localhost only: "
                        + "the app's token travels with the request)," + example));
                return Optional.empty();
            }
            if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                // The URL is shown in /api/relay's answer and log: no credentials or keys in it.
                problems.add(new Problem(RELAY_URL, "must have no user info, query or fragment," + example));
                return Optional.empty();
            }
            if (uri.getPort() == 0 || uri.getPort() > 65535) {
                problems.add(new Problem(RELAY_URL, "must name a port from 1 to 65535, or none," + example));
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            problems.add(new Problem(RELAY_URL, "must be an absolute https URL," + example));
            return Optional.empty();
        }
    }

    private static Optional<String> value(Function<String, String> lookup, String name) {
        return Optional.ofNullable(lookup.apply(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** Holder: read once, and each problem logged once, when first asked for. */
    private static final class Environment {
        static final Loaded LOADED = load(System.getenv()::get);

        static {
            LOADED.problems().forEach(problem -> LOG.severe(() -> "CallerGuard sample: " + problem.setting() + " "
                    + problem.message() + "; /api/relay answers 503 and /api/health names the setting"));
        }

        private Environment() {
        }
    }
}
