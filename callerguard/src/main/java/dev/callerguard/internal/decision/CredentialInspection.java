package dev.callerguard.internal.decision;

import dev.callerguard.internal.credentials.EasyAuthPrincipalParser;
import dev.callerguard.internal.credentials.MalformedCredentialException;
import dev.callerguard.internal.credentials.StrictJson;
import dev.callerguard.internal.keys.SigningKeys;
import dev.callerguard.internal.rules.CallerClaims;
import dev.callerguard.internal.rules.CallerPolicy;
import dev.callerguard.internal.rules.ClaimRules;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.internal.token.CompactJws;
import dev.callerguard.internal.token.JwsSignatureVerifier;
import dev.callerguard.internal.token.Rs256Signature;
import dev.callerguard.internal.token.SignatureProvider;
import dev.callerguard.internal.token.TokenClaimsReader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Diagnostics for "why 401/403?": runs the check's own parsing, signature layer and rules on one credential and
 * records every step's verdict instead of stopping at the first refusal. No second implementation: the steps
 * are the classes {@link CallerCheck} uses.
 *
 * @param header the token's header (empty for a principal)
 * @param claims the credential's claims as sent (empty when they cannot be read)
 * @param steps  every step, in the order the check takes them
 */
public record CredentialInspection(Map<String, Object> header, Map<String, Object> claims, List<Step> steps) {

    /** One step's verdict: passed, refused (with the refusal), or skipped (with why). */
    public record Step(String name, Verdict verdict, Optional<Refusal> refusal, String note) {
        static Step pass(String name) {
            return new Step(name, Verdict.PASS, Optional.empty(), "");
        }

        static Step fail(String name, Refusal refusal) {
            return new Step(name, Verdict.FAIL, Optional.of(refusal), "");
        }

        static Step skip(String name, String note) {
            return new Step(name, Verdict.SKIP, Optional.empty(), note);
        }
    }

    /** A step's outcome. */
    public enum Verdict { PASS, FAIL, SKIP }


    public CredentialInspection {
        header = StrictJson.unmodifiable(header);
        claims = StrictJson.unmodifiable(claims);
        steps = List.copyOf(steps);
    }

    /** The first refusal, as the check would answer; empty when every step passed or was skipped. */
    public Optional<Refusal> refusal() {
        return steps.stream().flatMap(step -> step.refusal().stream()).findFirst();
    }

    /**
     * Inspects a bearer token under {@code settings} as of {@code clock}. Without {@code keys} the signature
     * step is skipped (offline).
     */
    public static CredentialInspection ofToken(String token, GuardSettings settings, Optional<SigningKeys> keys,
                                               Clock clock) {
        return ofToken(token, settings, settings.policy(), keys, clock);
    }

    /** As {@link #ofToken(String, GuardSettings, Optional, Clock)}, under a function's narrower {@code policy}. */
    public static CredentialInspection ofToken(String token, GuardSettings settings, CallerPolicy policy,
                                               Optional<SigningKeys> keys, Clock clock) {
        List<Step> steps = new ArrayList<>();
        CompactJws jws;
        try {
            jws = CompactJws.parse(token);
            steps.add(Step.pass("structure"));
        } catch (MalformedCredentialException e) {
            steps.add(Step.fail("structure", e.refusal()));
            return new CredentialInspection(Map.of(), Map.of(), steps);
        }
        Map<String, Object> header = jws.header();
        Refusal headerRefusal = JwsSignatureVerifier.checkHeader(jws.header());
        steps.add(headerRefusal == null ? Step.pass("header") : Step.fail("header", headerRefusal));
        if (keys.isEmpty()) {
            steps.add(Step.skip("signature", "not checked offline; give --keys URL or FILE"));
        } else if (headerRefusal == null) {
            Refusal signature = new JwsSignatureVerifier(keys.get(),
                    new Rs256Signature(SignatureProvider.choose(settings.crypto()).provider())).verify(jws).refusal();
            steps.add(signature == null ? Step.pass("signature") : Step.fail("signature", signature));
        } else {
            steps.add(Step.skip("signature", "the header is refused"));
        }
        CallerClaims claims;
        try {
            claims = TokenClaimsReader.read(jws.payload());
            steps.add(Step.pass("claims"));
        } catch (MalformedCredentialException e) {
            steps.add(Step.fail("claims", e.refusal()));
            return new CredentialInspection(header, Map.of(), steps);
        }
        ClaimRules.forBearer(settings, policy, clock).explain(claims).forEach(verdict ->
                steps.add(verdict.passed() ? Step.pass(verdict.rule()) : Step.fail(verdict.rule(),
                        verdict.refusal().orElseThrow())));
        return new CredentialInspection(header, claims.all(), steps);
    }

    /** Inspects an {@code X-MS-CLIENT-PRINCIPAL} value as the check would if Easy Auth is trusted. */
    public static CredentialInspection ofPrincipal(String principal, GuardSettings settings) {
        return ofPrincipal(principal, settings, settings.policy());
    }

    /** As {@link #ofPrincipal(String, GuardSettings)}, under a function's narrower {@code policy}. */
    public static CredentialInspection ofPrincipal(String principal, GuardSettings settings, CallerPolicy policy) {
        List<Step> steps = new ArrayList<>();
        CallerClaims claims;
        try {
            claims = EasyAuthPrincipalParser.parse(principal);
            steps.add(Step.pass("principal"));
        } catch (MalformedCredentialException e) {
            steps.add(Step.fail("principal", e.refusal()));
            return new CredentialInspection(Map.of(), Map.of(), steps);
        }
        if (!settings.trustsPrincipalHeader()) {
            steps.add(new Step("trust", Verdict.FAIL, Optional.of(Refusal.NO_CREDENTIALS), "the check ignores this "
                    + "header under these settings: WEBSITE_AUTH_ENABLED is not 'true' or CALLERGUARD_EASY_AUTH is 'off'"));
        }
        ClaimRules.forPrincipal(settings, policy).explain(claims).forEach(verdict ->
                steps.add(verdict.passed() ? Step.pass(verdict.rule()) : Step.fail(verdict.rule(),
                        verdict.refusal().orElseThrow())));
        return new CredentialInspection(Map.of(), claims.all(), steps);
    }
}
