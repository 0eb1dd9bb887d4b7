package dev.callerguard.sample;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

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

    /** The settings, or empty when neither the target nor the resource can be worked out. */
    static Optional<RelaySettings> load(Function<String, String> lookup) {
        Optional<URI> target = value(lookup, RELAY_URL).map(URI::create)
                .or(() -> value(lookup, "WEBSITE_HOSTNAME").map(host -> URI.create(
                        (host.toLowerCase(Locale.ROOT).startsWith("localhost") ? "http://" : "https://")
                                + host + "/api/whoami")));
        Optional<String> resource = value(lookup, RELAY_RESOURCE)
                .or(() -> value(lookup, AUDIENCES).flatMap(audiences -> Arrays.stream(
                        audiences.split(",")).map(String::strip).filter(a -> a.startsWith("api://")).findFirst()));
        if (target.isEmpty() || resource.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RelaySettings(target.get(), resource.get(), value(lookup, RELAY_CLIENT_ID)));
    }

    private static Optional<String> value(Function<String, String> lookup, String name) {
        return Optional.ofNullable(lookup.apply(name)).map(String::strip).filter(v -> !v.isEmpty());
    }
}
