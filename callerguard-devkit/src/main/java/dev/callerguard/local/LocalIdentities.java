package dev.callerguard.local;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The local tenant, the CallerGuard API's app registration, the named managed identities and the users of the
 * local client app, defined in this one place. {@code local.settings.json} allows {@code apim}, {@code reporter} and {@code app}.
 */
public final class LocalIdentities {
    public static final String TENANT_ID = "7e57e57e-0000-4000-8000-000000000001";
    /** Client id of the CallerGuard API's app registration; its App ID URI is {@link #API_APP_ID_URI}. */
    public static final String API_CLIENT_ID = "a7700000-0000-4000-8000-000000000001";
    public static final String API_APP_ID_URI = "api://" + API_CLIENT_ID;

    private static final String SUBSCRIPTION = "/subscriptions/00000000-0000-4000-8000-00000000c0de/resourcegroups/"
            + "callerguard-local/providers/";

    public static final LocalIdentity APIM = new LocalIdentity("apim",
            "a9100000-0000-4000-8000-000000000001", "a9100000-0000-4000-8000-0000000000c1",
            SUBSCRIPTION + "Microsoft.ApiManagement/service/callerguard-apim", List.of("Function.Invoke"),
            "API Management's managed identity: the allowed caller");
    public static final LocalIdentity INTRUDER = new LocalIdentity("intruder",
            "1b700000-0000-4000-8000-000000000001", "1b700000-0000-4000-8000-0000000000c1",
            SUBSCRIPTION + "Microsoft.ManagedIdentity/userAssignedIdentities/intruder", List.of(),
            "a valid identity of the same tenant that is not allowed");
    public static final LocalIdentity REPORTER = new LocalIdentity("reporter",
            "4e900000-0000-4000-8000-000000000001", "4e900000-0000-4000-8000-0000000000c1",
            SUBSCRIPTION + "Microsoft.ManagedIdentity/userAssignedIdentities/reporter",
            List.of("Function.Invoke", "Reports.Read"), "allowed, holds the Reports.Read app role");
    public static final LocalIdentity APP = new LocalIdentity("app",
            "c0a90000-0000-4000-8000-000000000001", "c0a90000-0000-4000-8000-0000000000c1",
            SUBSCRIPTION + "Microsoft.Web/sites/callerguard", List.of("Function.Invoke"),
            "the function app's own system-assigned identity (used by /api/relay); allowed");

    public static final List<LocalIdentity> ALL = List.of(APIM, INTRUDER, REPORTER, APP);

    /** Client id of the local client app a user signs in to; the {@code appid} of every delegated token. */
    public static final String CLIENT_APP_ID = "c11e0000-0000-4000-8000-0000000000c1";
    /** The scope a delegated token carries unless another is asked for (the portal's default for a new API). */
    public static final String DEFAULT_SCOPE = "user_impersonation";

    public static final LocalUser ADA = new LocalUser("ada", "ada00000-0000-4000-8000-000000000001",
            "Ma8APpvZmW33OtwMeY4mEpA8_AOWWE6yTGYXZFdJTNQ", "ada@callerguard.local",
            "a user signed in to the local client app (delegated tokens, scp)");

    public static final List<LocalUser> USERS = List.of(ADA);

    private LocalIdentities() {
    }

    public static Optional<LocalIdentity> byName(String name) {
        return ALL.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    public static Optional<LocalUser> userByName(String name) {
        return USERS.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    /** Finds an identity by client id, object id or resource id, as the managed identity endpoint selects one. */
    public static Optional<LocalIdentity> byId(String id) {
        String wanted = id.toLowerCase(Locale.ROOT);
        return ALL.stream().filter(i -> i.clientId().equals(wanted) || i.objectId().equals(wanted)
                || i.resourceId().toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
    }
}
