package dev.callerguard.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.callerguard.VerifiedCaller;
import dev.callerguard.internal.credentials.RequestHeaders;
import dev.callerguard.internal.decision.CallerCheck;
import dev.callerguard.internal.decision.Decision;
import dev.callerguard.internal.keys.JwksKeySetSource;
import dev.callerguard.internal.keys.KeySetCache;
import dev.callerguard.internal.settings.GuardSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What App Service Authentication does in front of the app, for the local host: it validates the bearer token
 * (signature against the tenant's keys, issuer, audience, lifetime; no caller allowlist), strips client-sent
 * {@code X-MS-CLIENT-PRINCIPAL*} headers, and injects the principal with Easy Auth's long claim names plus
 * {@code -ID}, {@code -NAME} and {@code -IDP}. Unauthenticated requests get Easy Auth's own 401.
 */
public final class EasyAuthEmulation {
    static final String PRINCIPAL = "x-ms-client-principal";

    /** Claim types Easy Auth renames to URIs; others keep their short names. */
    private static final Map<String, String> LONG_NAMES = Map.of(
            "oid", "http://schemas.microsoft.com/identity/claims/objectidentifier",
            "tid", "http://schemas.microsoft.com/identity/claims/tenantid",
            "scp", "http://schemas.microsoft.com/identity/claims/scope",
            "sub", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier",
            "upn", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
            "unique_name", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
            "amr", "http://schemas.microsoft.com/claims/authnmethodsreferences",
            "acr", "http://schemas.microsoft.com/claims/authnclassreference");

    private final CallerCheck tokenValidation;

    private EasyAuthEmulation(CallerCheck tokenValidation) {
        this.tokenValidation = tokenValidation;
    }

    /** Validates as the app's Easy Auth configuration would: same tenant, issuers, audiences and keys. */
    static EasyAuthEmulation from(Function<String, String> appSettings, Clock clock) {
        Map<String, String> easyAuth = new LinkedHashMap<>();
        for (String name : List.of(GuardSettings.TENANT_ID, GuardSettings.AUDIENCES, GuardSettings.AUTHORITY,
                GuardSettings.ISSUERS, GuardSettings.KEYS_URL, GuardSettings.CLOCK_SKEW_SECONDS)) {
            String value = appSettings.apply(name);
            if (value != null) {
                easyAuth.put(name, value);
            }
        }
        easyAuth.put(GuardSettings.ALLOWED_CALLERS, "*");
        easyAuth.put(GuardSettings.EASY_AUTH, "off");
        GuardSettings settings = GuardSettings.load(easyAuth);
        KeySetCache keys = new KeySetCache(new JwksKeySetSource(settings.keysUrl()), clock, KeySetCache.Timing.DEFAULT);
        return new EasyAuthEmulation(new CallerCheck(settings, keys, clock));
    }

    /**
     * The headers to forward to the app, or empty when Easy Auth answers 401 itself. Client-sent principal
     * headers never pass.
     */
    Optional<Map<String, String>> authenticate(Map<String, String> headers) {
        Map<String, String> forwarded = withoutPrincipalHeaders(headers);
        Decision decision = tokenValidation.decide(RequestHeaders.of(forwarded));
        if (!(decision instanceof Decision.Allowed allowed)) {
            return Optional.empty();
        }
        VerifiedCaller caller = allowed.caller();
        forwarded.put(PRINCIPAL, principal(caller.claims()));
        forwarded.put(PRINCIPAL + "-id", caller.objectId());
        forwarded.put(PRINCIPAL + "-name", String.valueOf(caller.claims().getOrDefault("name",
                caller.appId().orElse(caller.objectId()))));
        forwarded.put(PRINCIPAL + "-idp", "aad");
        return Optional.of(forwarded);
    }

    /** The headers without any client-sent principal header (names compared in ASCII case, as CallerGuard does). */
    static Map<String, String> withoutPrincipalHeaders(Map<String, String> headers) {
        Map<String, String> kept = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (!RequestHeaders.lowerCaseName(name).startsWith(PRINCIPAL)) {
                kept.put(name, value);
            }
        });
        return kept;
    }

    /**
     * The {@code X-MS-CLIENT-PRINCIPAL} value Easy Auth would inject for a token with these claims: every claim
     * as {@code {typ, val}} (one entry per value of a list), with the long claim type URIs Easy Auth renames some to.
     */
    public static String principal(Map<String, Object> claims) {
        List<Map<String, String>> entries = new ArrayList<>();
        claims.forEach((type, value) -> {
            String typ = LONG_NAMES.getOrDefault(type, type);
            if (value instanceof List<?> values) {
                values.forEach(v -> entries.add(Map.of("typ", typ, "val", String.valueOf(v))));
            } else {
                entries.add(Map.of("typ", typ, "val", String.valueOf(value)));
            }
        });
        Map<String, Object> principal = new LinkedHashMap<>();
        principal.put("auth_typ", "aad");
        principal.put("claims", entries);
        principal.put("name_typ", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name");
        principal.put("role_typ", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role");
        try {
            return Base64.getEncoder().encodeToString(HttpExchanges.MAPPER.writeValueAsString(principal)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
