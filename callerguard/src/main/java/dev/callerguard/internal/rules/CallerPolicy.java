package dev.callerguard.internal.rules;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may call: allowed caller object ids (or any caller of the tenant), optionally allowed client apps,
 * app roles that must all be held, and the delegated scopes a user's token must all carry. Immutable; a function
 * narrows it in code, never widens it. Its sets iterate in the order they were given (the settings' order).
 *
 * @param anyCaller      {@code true} only when {@code CALLERGUARD_ALLOWED_CALLERS} is written out as {@code *}
 * @param allowedCallers canonical (lower-case) object ids; empty when {@code anyCaller}
 * @param allowedApps    canonical client ids matched against {@code appid}/{@code azp}; empty means any app
 * @param requiredRoles  app roles that must all be in {@code roles}, matched exactly
 * @param requiredScopes scopes that a delegated (user) credential must all carry in {@code scp}, matched exactly;
 *                       each an RFC 6749 scope token (printable ASCII without space, {@code "} or {@code \})
 */
public record CallerPolicy(boolean anyCaller, Set<String> allowedCallers, Set<String> allowedApps,
                           Set<String> requiredRoles, Set<String> requiredScopes) {

    /** RFC 6749 section 3.3: {@code scope-token = 1*( %x21 / %x23-5B / %x5D-7E )}. */
    private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

    public CallerPolicy {
        allowedCallers = canonicalIds(allowedCallers);
        allowedApps = canonicalIds(allowedApps);
        requiredRoles = inGivenOrder(requiredRoles);
        requiredScopes = inGivenOrder(requiredScopes);
        if (anyCaller == !allowedCallers.isEmpty()) {
            throw new IllegalArgumentException("either any caller or a non-empty caller list");
        }
        for (String scope : requiredScopes) {
            if (!isScopeToken(scope)) {
                throw new IllegalArgumentException("not a scope value (printable ASCII without space, '\"' or '\\'): "
                        + scope);
            }
        }
    }

    /** A policy that requires no scope. */
    public CallerPolicy(boolean anyCaller, Set<String> allowedCallers, Set<String> allowedApps,
                        Set<String> requiredRoles) {
        this(anyCaller, allowedCallers, allowedApps, requiredRoles, Set.of());
    }

    /** Whether {@code scope} is one RFC 6749 scope token, as {@code scp} lists them and a challenge may name them. */
    public static boolean isScopeToken(String scope) {
        return SCOPE_TOKEN.matcher(scope).matches();
    }

    private static Set<String> canonicalIds(Set<String> ids) {
        Set<String> canonical = new LinkedHashSet<>();
        for (String id : ids) {
            canonical.add(Guids.canonical(id).orElseThrow(() -> new IllegalArgumentException("not a GUID: " + id)));
        }
        return inGivenOrder(canonical);
    }

    /**
     * An unmodifiable copy that iterates in the order given (the settings' order, so that logs and
     * {@code explain.sh} print the same list every run; {@code Set.copyOf} iterates in an order that changes from
     * run to run). Like {@code Set.copyOf}, it refuses {@code null}.
     */
    private static Set<String> inGivenOrder(Set<String> items) {
        Set<String> copy = new LinkedHashSet<>();
        for (String item : items) {
            copy.add(Objects.requireNonNull(item, "null in a caller policy"));
        }
        return Collections.unmodifiableSet(copy);
    }

    /** This policy with further roles required (the function's own requirement). */
    public CallerPolicy requiringRoles(String... roles) {
        Set<String> all = new LinkedHashSet<>(requiredRoles);
        all.addAll(List.of(roles));
        return new CallerPolicy(anyCaller, allowedCallers, allowedApps, all, requiredScopes);
    }

    /** This policy with further delegated scopes required (the function's own requirement). */
    public CallerPolicy requiringScopes(String... scopes) {
        Set<String> all = new LinkedHashSet<>(requiredScopes);
        all.addAll(List.of(scopes));
        return new CallerPolicy(anyCaller, allowedCallers, allowedApps, requiredRoles, all);
    }

    /**
     * This policy restricted to callers that are also in {@code objectIds}; the result never allows a caller
     * that this policy refuses.
     */
    public CallerPolicy narrowedToCallers(String... objectIds) {
        Set<String> narrowed = new LinkedHashSet<>();
        for (String id : objectIds) {
            String canonical = Guids.canonical(id)
                    .orElseThrow(() -> new IllegalArgumentException("not an object id (GUID): " + id));
            if (anyCaller || allowedCallers.contains(canonical)) {
                narrowed.add(canonical);
            }
        }
        if (narrowed.isEmpty()) {
            throw new IllegalArgumentException("narrowing leaves no allowed caller");
        }
        return new CallerPolicy(false, narrowed, allowedApps, requiredRoles, requiredScopes);
    }
}
