package dev.callerguard.local;

/**
 * A user of the local tenant, signed in to the local client app: the caller of a delegated token.
 *
 * @param name     the short name used by {@code scripts/token.sh --user}
 * @param objectId the user's object id ({@code oid})
 * @param subject  the user's pairwise subject for the client app ({@code sub}; never the object id)
 * @param upn      the user's sign-in name ({@code upn}, {@code unique_name})
 * @param what     one line for the README and the start banner
 */
public record LocalUser(String name, String objectId, String subject, String upn, String what) {
}
