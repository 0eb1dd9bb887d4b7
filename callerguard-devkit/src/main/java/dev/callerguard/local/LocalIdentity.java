package dev.callerguard.local;

import java.util.List;

/**
 * A managed identity of the local tenant.
 *
 * @param name       the short name used by {@code scripts/call.sh} and {@code scripts/token.sh}
 * @param objectId   its service principal's object id ({@code oid} and {@code sub})
 * @param clientId   its client (application) id ({@code appid})
 * @param resourceId its Azure resource id ({@code xms_mirid})
 * @param roles      app roles of the CallerGuard API assigned to it
 * @param what       one line for the README and the start banner
 */
public record LocalIdentity(String name, String objectId, String clientId, String resourceId, List<String> roles,
                            String what) {
    public LocalIdentity {
        roles = List.copyOf(roles);
    }
}
