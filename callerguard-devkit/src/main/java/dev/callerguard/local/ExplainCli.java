package dev.callerguard.local;

import dev.callerguard.internal.decision.CredentialInspection;
import dev.callerguard.internal.decision.Refusal;
import dev.callerguard.internal.keys.JwksKeySetSource;
import dev.callerguard.internal.keys.KeyLookup;
import dev.callerguard.internal.keys.KeySetCache;
import dev.callerguard.internal.keys.KeySetFetchException;
import dev.callerguard.internal.keys.SigningKeys;
import dev.callerguard.internal.rules.CallerPolicy;
import dev.callerguard.internal.settings.GuardSettings;
import dev.callerguard.internal.settings.InvalidSettingsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code scripts/explain.sh}: "why 401/403?". Prints a token's header and claims (times as dates) and each step's
 * verdict under the given settings, with {@link CredentialInspection} — the check's own code. Also takes an
 * {@code X-MS-CLIENT-PRINCIPAL} value. Offline unless {@code --keys URL|FILE}; {@code --at <ISO instant>} judges
 * a captured token as of that moment; {@code --settings FILE} reads a {@code local.settings.json} (else the
 * environment); {@code --scopes A,B} and {@code --roles A,B} judge it as a function that adds
 * {@code requiringScopes(A, B)} or {@code requiringRoles(A, B)} to them. Exit status: 0 when every step passes, 1 when one refuses, 2 for a usage or settings error.
 */
public final class ExplainCli {
    private static final Set<String> TIME_CLAIMS = Set.of("exp", "nbf", "iat", "auth_time");

    private ExplainCli() {
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.in, System.out, System.getenv()::get));
    }

    static int run(String[] args, InputStream stdin, PrintStream out, Function<String, String> environment)
            throws IOException {
        List<String> positional = new ArrayList<>();
        List<String> optionArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--") && i + 1 < args.length) {
                optionArgs.add(args[i]);
                optionArgs.add(args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        Map<String, String> options = LocalRun.options(optionArgs.toArray(String[]::new));
        String credential = positional.isEmpty()
                ? new String(stdin.readAllBytes(), StandardCharsets.US_ASCII).strip() : positional.get(0).strip();
        if (credential.startsWith("Bearer ") || credential.startsWith("bearer ")) {
            credential = credential.substring(7).strip();
        }
        if (credential.isEmpty() || positional.size() > 1) {
            out.println("usage: explain.sh [<token or X-MS-CLIENT-PRINCIPAL value>] [--settings FILE] "
                    + "[--keys URL|FILE] [--at 2026-11-27T12:00:00Z] [--scopes A,B] [--roles A,B]   "
                    + "(the credential may come on stdin)");
            return 2;
        }
        GuardSettings settings;
        Instant at;
        Optional<SigningKeys> keys;
        try {
            settings = options.containsKey("settings")
                    ? GuardSettings.load(LocalSettings.read(Path.of(options.get("settings")), Map.of()))
                    : GuardSettings.load(environment);
            at = options.containsKey("at") ? Instant.parse(options.get("at")) : Instant.now();
            keys = options.containsKey("keys") ? Optional.of(keys(options.get("keys"))) : Optional.empty();
        } catch (InvalidSettingsException e) {
            out.println(e.getMessage());
            return 2;
        } catch (DateTimeParseException e) {
            out.println("--at takes an ISO instant such as 2026-11-27T12:00:00Z");
            return 2;
        } catch (KeySetFetchException e) {
            out.println("cannot read the keys: " + e.getMessage());
            return 2;
        }

        CallerPolicy policy;
        try {
            policy = settings.policy().requiringScopes(listed(options.get("scopes")))
                    .requiringRoles(listed(options.get("roles")));
        } catch (IllegalArgumentException e) {
            out.println("--scopes takes scope values as the scp claim holds them, comma-separated: " + e.getMessage());
            return 2;
        }
        boolean isToken = credential.chars().filter(c -> c == '.').count() == 2;
        CredentialInspection inspection = isToken
                ? CredentialInspection.ofToken(credential, settings, policy, keys, Clock.fixed(at, ZoneOffset.UTC))
                : CredentialInspection.ofPrincipal(credential, settings, policy);
        print(out, inspection, isToken, settings, policy, at, options);
        return inspection.refusal().isEmpty() ? 0 : 1;
    }

    private static SigningKeys keys(String source) throws KeySetFetchException, IOException {
        if (source.startsWith("https://") || source.startsWith("http://")) {
            KeySetCache cache = new KeySetCache(new JwksKeySetSource(URI.create(source)), Clock.systemUTC(),
                    KeySetCache.Timing.DEFAULT);
            if (cache.find("") instanceof KeyLookup.Unavailable) {
                throw new KeySetFetchException("the key endpoint " + source + " cannot be read", null);
            }
            return cache;
        }
        Map<String, RSAPublicKey> loaded = JwksKeySetSource.fromDocument(Files.readAllBytes(Path.of(source)));
        return kid -> loaded.containsKey(kid) ? new KeyLookup.Found(kid, loaded.get(kid)) : new KeyLookup.Unknown();
    }

    /** The items of a comma-separated option; none when it is absent. */
    private static String[] listed(String option) {
        return option == null ? new String[0]
                : Arrays.stream(option.split(",")).map(String::strip).filter(item -> !item.isEmpty())
                        .toArray(String[]::new);
    }

    private static void print(PrintStream out, CredentialInspection inspection, boolean isToken,
                              GuardSettings settings, CallerPolicy policy, Instant at, Map<String, String> options) {
        if (isToken && !inspection.header().isEmpty()) {
            out.println("Header");
            inspection.header().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> out.printf("  %-10s %s%n", e.getKey(), e.getValue()));
        }
        if (!inspection.claims().isEmpty()) {
            out.println(isToken ? "Claims" : "Principal claims");
            inspection.claims().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> out.printf("  %-10s %s%n", e.getKey(), claimText(e.getKey(), e.getValue())));
        }
        out.printf("Verdicts (settings from %s; tenant %s; allowed callers %s; as of %s)%n",
                options.getOrDefault("settings", "the environment"), settings.tenantId(),
                policy.anyCaller() ? "*" : policy.allowedCallers(), at);
        if (!policy.requiredRoles().isEmpty()) {
            out.println("Required roles: " + String.join(" ", policy.requiredRoles()));
        }
        if (!policy.requiredScopes().isEmpty()) {
            out.println("Required scopes: " + String.join(" ", policy.requiredScopes())
                    + "  (of a user's token, in scp; application callers are judged by their roles)");
        }
        for (CredentialInspection.Step step : inspection.steps()) {
            String detail = step.refusal().map(r -> r.id() + "  " + r.description()).orElse("");
            String note = step.note().isEmpty() ? "" : (detail.isEmpty() ? "" : "  ") + step.note();
            out.printf("  %-4s  %-12s %s%s%n", step.verdict(), step.name(), detail, note);
        }
        Optional<Refusal> refusal = inspection.refusal();
        out.println(refusal.map(r -> "Result: refused, " + r.kind().status() + " " + (r.kind().errorCode() == null
                        ? "" : r.kind().errorCode() + " ") + r.id())
                .orElse("Result: every step passes" + (isToken && options.get("keys") == null
                        ? " (signature not checked offline)" : "")));
    }

    private static String claimText(String name, Object value) {
        if (TIME_CLAIMS.contains(name) && value instanceof Number number) {
            return number + "  (" + Instant.ofEpochSecond(number.longValue()) + ")";
        }
        return String.valueOf(value);
    }
}
