package dev.callerguard.internal.rules;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Who may call: allowed caller object ids (or any caller of the tenant), optionally allowed client apps,
 * and app roles that must all be held. Immutable; a function narrows it in code, never widens it. Its sets
 * iterate in the order they were given (the settings' order).
 *
 * @param anyCaller      {@code true} only when {@code CALLERGUARD_ALLOWED_CALLERS} is written out as {@code *}
 * @param allowedCallers canonical (lower-case) object ids; empty when {@code anyCaller}
 * @param allowedApps    canonical client ids matched against {@code appid}/{@code azp}; empty means any app
 * @param requiredRoles  app roles that must all be in {@code roles}, matched exactly
 */
public record CallerPolicy(boolean anyCaller, Set<String> allowedCallers, Set<String> allowedApps,
                           Set<String> requiredRoles) {

    public CallerPolicy {
        allowedCallers = canonicalIds(allowedCallers);
        allowedApps = canonicalIds(allowedApps);
        requiredRoles = inGivenOrder(requiredRoles);
        if (anyCaller == !allowedCallers.isEmpty()) {
            throw new IllegalArgumentException("either any caller or a non-empty caller list");
        }
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
        return new CallerPolicy(anyCaller, allowedCallers, allowedApps, all);
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
        return new CallerPolicy(false, narrowed, allowedApps, requiredRoles);
    }
}
