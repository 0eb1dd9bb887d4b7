package dev.callerguard.internal.rules;

import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.settings.GuardSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An ordered chain of {@link ClaimRule}s: token rules (401) before allowlist rules (403). {@link #forBearer} and
 * {@link #forPrincipal} assemble the default chains from settings and a caller policy.
 */
public final class ClaimRules {
    private final List<ClaimRule> rules;

    private ClaimRules(List<ClaimRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * Issuer, tenant, audience, lifetime, access token (401s), then the allowed callers (401 for a credential that
     * names none), the caller type, and the policy's app, role and scope rules (403s).
     */
    public static ClaimRules forBearer(GuardSettings settings, CallerPolicy policy, Clock clock) {
        List<ClaimRule> rules = new ArrayList<>();
        rules.add(new IssuerRule(settings.issuers()));
        rules.add(new TenantRule(settings.tenantId()));
        rules.add(new AudienceRule(settings.audiences()));
        rules.add(new LifetimeRule(clock, settings.clockSkew()));
        rules.add(new AccessTokenRule());
        rules.addAll(policyRules(settings, policy));
        return new ClaimRules(rules);
    }

    /**
     * Tenant, audience, then the allowed callers, the caller type and the policy's other rules: Easy Auth has already checked the signature, issuer
     * and lifetime of the token it turned into the principal (an access token, or the ID token of a user who signed
     * in through the browser: a user caller either way).
     */
    public static ClaimRules forPrincipal(GuardSettings settings, CallerPolicy policy) {
        List<ClaimRule> rules = new ArrayList<>();
        rules.add(new TenantRule(settings.tenantId()));
        rules.add(new AudienceRule(settings.audiences()));
        rules.addAll(policyRules(settings, policy));
        return new ClaimRules(rules);
    }

    private static List<ClaimRule> policyRules(GuardSettings settings, CallerPolicy policy) {
        return List.of(new CallerAllowlistRule(policy), new CallerTypeRule(settings.userCallers()),
                new AppAllowlistRule(policy), new RoleRule(policy), new ScopeRule(policy));
    }

    /** The first refusal, or empty when every rule passes. */
    public Optional<Refusal> check(CallerClaims claims) {
        for (ClaimRule rule : rules) {
            Optional<Refusal> refusal = rule.check(claims);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return Optional.empty();
    }

    /** Every rule's verdict, in order, without stopping at the first refusal. */
    public List<RuleVerdict> explain(CallerClaims claims) {
        return rules.stream().map(rule -> new RuleVerdict(rule.name(), rule.check(claims))).toList();
    }
}
