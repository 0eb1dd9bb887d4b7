package dev.callerguard.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.azure.FakeAzure.ScriptResult;
import dev.callerguard.azure.RealAzureCli.Check;
import dev.callerguard.azure.RealAzureCli.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every az command line that scripts/azure/deploy.sh and verify.sh run, through the parser of the real az CLI
 * 2.74 ({@link RealAzureCli}): each must be accepted. The lines come from deploy.sh's dry run for each entry of
 * {@link DeploySettings#MATRIX} (placeholders filled by {@link DryRunPlaceholders}, {@code --body @file} pointed
 * at the body printed for that file), and from runs against the fake az ({@link FakeAzure}) for what a dry run does
 * not print: verify.sh for each entry, and deploy.sh's branches for an existing deployment that lacks an identity
 * or has another named value.
 *
 * <p>Checked: what the CLI's parser checks (command names, flag names, required flags, choices, int types). Not
 * checked: anything a command checks after login (that names, regions and runtime versions exist, that a body
 * file is there or what it says; the bodies are {@code AzureSdkBodiesIT}'s), nor the mvn line.
 */
class AzureCliLinesIT {
    /**
     * Lines that cannot be checked because Debian's 2.74 build lacks their command (e.g. {@code monitor},
     * {@code webapp auth microsoft}, {@code functionapp flex-migration}): leading command words -> why the line
     * is needed anyway. Empty: every line today can be checked.
     */
    private static final Map<String, String> UNCHECKABLE = Map.of();
    private static final Path BODIES = Path.of("target", "azure-cli-lines", "bodies").toAbsolutePath();
    private static final String MAVEN_LINE = " && mvn -B package azure-functions:deploy ";

    /** deploy.sh against a complete deployment changed as named: the branches a dry run does not print. */
    private static final Map<String, FakeChange> DEPLOY_BRANCHES = new LinkedHashMap<>();

    static {
        DEPLOY_BRANCHES.put("function app without identity (identity assign)",
                azure -> azure.missing("functionapp-identity"));
        DEPLOY_BRANCHES.put("API Management without identity (apim update)", azure -> azure.missing("apim-identity"));
        DEPLOY_BRANCHES.put("named value with another value (apim nv update)",
                azure -> azure.exists("apim-nv", "api://other"));
        DEPLOY_BRANCHES.put("function app on an App Service plan (plan show --ids)",
                azure -> azure.functionApp("ElasticPremium", "functionapp,linux"));
    }

    @TempDir
    Path dir;

    @Test
    void everyAzLineOfDeployAndVerifyIsAcceptedByTheRealCli() throws Exception {
        RealAzureCli cli = RealAzureCli.installed();
        long start = System.nanoTime();
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<List<String>, Set<String>> sources = scriptLines(counts);
        List<List<String>> checkable = new ArrayList<>();
        List<String> unchecked = new ArrayList<>();
        for (List<String> args : sources.keySet()) {
            String reason = uncheckableReason(args);
            if (reason == null) {
                checkable.add(args);
            } else {
                unchecked.add("az " + String.join(" ", args) + "\n    not checked: " + reason);
            }
        }

        List<Check> checks = cli.checkAll(checkable);

        List<String> refused = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (Check check : checks) {
            String from = "\n    from: " + String.join("; ", sources.get(check.args()));
            if (check.verdict() == Verdict.REFUSED) {
                refused.add("az " + String.join(" ", check.args()) + "\n    " + check.firstErrorLine() + from);
            } else if (check.verdict() == Verdict.OTHER) {
                other.add(check + from);
            }
        }
        printSummary(counts, checks, unchecked, (System.nanoTime() - start) / 1e9);
        assertThat(other).as("lines the real az CLI answered with neither a login request nor a parse error")
                .isEmpty();
        assertThat(refused).as("lines the real az CLI 2.74 refuses").isEmpty();
    }

    @Test
    void theRealCliRefusesAMisspelledFlagAndAValueNotAmongItsChoices() throws Exception {
        RealAzureCli cli = RealAzureCli.installed();
        List<String> create = dryRunLines(DeploySettings.MATRIX.get(0)).stream()
                .filter(args -> args.size() > 2 && args.subList(0, 2).equals(List.of("functionapp", "create")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the default dry run prints no az functionapp create"));
        List<String> misspelled = withOption(create, "--instance-memory", "2048");
        misspelled.set(misspelled.indexOf("--instance-memory"), "--instance-memroy");
        List<String> wrongChoice = withOption(create, "--deployment-storage-auth-type", "SystemAssigned");

        List<Check> checks = cli.checkAll(List.of(create, misspelled, wrongChoice));

        assertThat(checks.get(0).verdict()).as(checks.get(0).toString()).isEqualTo(Verdict.ACCEPTED);
        assertThat(checks.get(1).verdict()).as(checks.get(1).toString()).isEqualTo(Verdict.REFUSED);
        assertThat(checks.get(1).firstErrorLine()).contains("unrecognized arguments", "--instance-memroy");
        assertThat(checks.get(2).verdict()).as(checks.get(2).toString()).isEqualTo(Verdict.REFUSED);
        assertThat(checks.get(2).firstErrorLine()).contains("SystemAssigned", "is not a valid value");
    }

    /**
     * The fake az of the behaviour tests refuses (exit 2) every line the real parser refuses, among the lines
     * near those the scripts send: for one line of each command in the fake's grammar, the line with an option
     * the command lacks, without each of its required options, and with each value that has allowed values (or
     * must be an integer) replaced by one that is not allowed. The fake may be stricter than the real CLI (it
     * knows only the options the scripts use); it must never be more lenient.
     */
    @Test
    void theFakeAzRefusesWhatTheRealCliRefuses() throws Exception {
        RealAzureCli cli = RealAzureCli.installed();
        FakeAzGrammar grammar = FakeAzGrammar.read();
        Map<String, List<String>> baseLines = new LinkedHashMap<>();
        for (List<String> args : scriptLines(new LinkedHashMap<>()).keySet()) {
            FakeAzGrammar.Command command = grammar.commandOf(args);
            assertThat(command).as("the fake's grammar has no entry for az " + String.join(" ", args)).isNotNull();
            baseLines.putIfAbsent(command.words(), args);
        }
        assertThat(baseLines.keySet()).as("every command of the fake's grammar is one the scripts run")
                .containsExactlyInAnyOrderElementsOf(grammar.commandWords());
        List<List<String>> mutations = new ArrayList<>();
        List<String> unknownOptionMutations = new ArrayList<>();
        for (List<String> base : baseLines.values()) {
            FakeAzGrammar.Command command = grammar.commandOf(base);
            List<String> unknown = new ArrayList<>(base);
            unknown.addAll(List.of("--no-such-option", "x"));
            mutations.add(unknown);
            unknownOptionMutations.add(String.join(" ", unknown));
            for (List<String> names : command.required()) {
                mutations.add(FakeAzGrammar.without(base, names));
            }
            command.allowedValues().forEach((option, allowed) -> {
                int at = base.indexOf(option);
                if (at >= 0) {
                    List<String> changed = new ArrayList<>(base);
                    changed.set(at + 1, allowed.equals(List.of("int")) ? "many" : "not-an-allowed-value");
                    mutations.add(changed);
                }
            });
        }

        List<Check> real = cli.checkAll(mutations);

        List<String> moreLenient = new ArrayList<>();
        List<String> stricter = new ArrayList<>();
        int realRefused = 0;
        for (Check check : real) {
            int fakeExit = FakeAzGrammar.runFake(check.args(), Files.createTempDirectory(dir, "fake"));
            String line = "az " + String.join(" ", check.args());
            // Refused: a parse error (exit 2), or an error before any login (exit 1 without "az login"), as for a
            // resource command without --name or --ids ("(--name | --ids) are required").
            if (check.verdict() != Verdict.ACCEPTED) {
                realRefused++;
                if (fakeExit != 2) {
                    moreLenient.add(line + "\n    real: " + check.firstErrorLine() + "\n    fake: exit " + fakeExit);
                }
            } else if (fakeExit == 2) {
                stricter.add(line);
            }
            if (unknownOptionMutations.contains(String.join(" ", check.args()))) {
                assertThat(check.verdict()).as("the real CLI refuses an unknown option: " + check).isEqualTo(Verdict.REFUSED);
            }
        }
        System.out.printf("Fake az against the real az CLI 2.74: %d lines near the scripts' (%d commands), the real"
                + " CLI refuses %d, the fake refuses all of those; the fake alone refuses %d%n", real.size(),
                baseLines.size(), realRefused, stricter.size());
        stricter.forEach(line -> System.out.println("  fake stricter: " + line));
        assertThat(moreLenient).as("lines the real CLI refuses and the fake az accepts").isEmpty();
    }

    /**
     * Each unique argv (without the leading "az") of the scripts, with the runs that produced it, in the order
     * first seen; {@code counts} gets each run's number of lines and of lines not seen before.
     */
    private Map<List<String>, Set<String>> scriptLines(Map<String, int[]> counts)
            throws IOException, InterruptedException {
        Map<List<String>, Set<String>> sources = new LinkedHashMap<>();
        for (DeploySettings settings : DeploySettings.MATRIX) {
            add(sources, counts, "dry run, " + settings.name(), dryRunLines(settings));
        }
        for (DeploySettings settings : DeploySettings.MATRIX) {
            add(sources, counts, "verify.sh on the fake, " + settings.name(), verifyLines(settings));
        }
        for (Map.Entry<String, FakeChange> branch : DEPLOY_BRANCHES.entrySet()) {
            add(sources, counts, "deploy.sh on the fake, " + branch.getKey(), deployLines(branch.getValue()));
        }
        return sources;
    }

    /** The az lines of deploy.sh's dry run with {@code settings}, as argvs without "az". */
    private List<List<String>> dryRunLines(DeploySettings settings) throws IOException, InterruptedException {
        Path runDir = Files.createTempDirectory(dir, "dry-run");
        DeployDryRun dryRun = DeployDryRun.of(settings.write(runDir.resolve("config.env")), runDir);
        List<List<String>> lines = new ArrayList<>();
        boolean maven = false;
        for (String printed : dryRun.commandLines()) {
            if (printed.startsWith("(cd ") && printed.contains(MAVEN_LINE)) {
                maven = true;
                continue;
            }
            List<String> words = ShellWords.of(DryRunPlaceholders.fill(printed), runDir);
            assertThat(words.get(0)).as("a dry-run line that is neither az nor the mvn line: " + printed)
                    .isEqualTo("az");
            List<String> args = new ArrayList<>(words.subList(1, words.size()));
            int body = args.indexOf("--body");
            if (body >= 0) {
                String file = Path.of(args.get(body + 1).substring(1)).getFileName().toString();
                String printedBody = dryRun.bodies().get(file);
                assertThat(printedBody).as("the body of %s in the dry run of %s", file, settings.name()).isNotNull();
                args.set(body + 1, "@" + bodyFile(file, printedBody));
            }
            lines.add(args);
        }
        assertThat(maven).as("the dry run of %s prints the mvn line", settings.name()).isTrue();
        return lines;
    }

    /** The az calls of verify.sh with {@code settings} against the fake's complete deployment. */
    private List<List<String>> verifyLines(DeploySettings settings) throws IOException, InterruptedException {
        Path runDir = Files.createTempDirectory(dir, "verify");
        FakeAzure azure = FakeAzure.deployed(runDir);
        ScriptResult result = azure.run("verify.sh", "--config", settings.write(runDir.resolve("settings.env"))
                .toString());
        assertThat(result.exitCode()).as("verify.sh, " + settings.name() + "\n" + result).isZero();
        return azLines(azure);
    }

    /** The az calls of deploy.sh (example settings) against a complete fake deployment as {@code change} left it. */
    private List<List<String>> deployLines(FakeChange change) throws IOException, InterruptedException {
        Path runDir = Files.createTempDirectory(dir, "deploy");
        FakeAzure azure = change.apply(FakeAzure.deployed(runDir));
        ScriptResult result = azure.run("deploy.sh", "--config", FakeAzure.EXAMPLE_CONFIG.toString());
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return azLines(azure);
    }

    /** The fake's az calls as argvs without "az", each {@code --body @file} pointed at a copy of the body it logged. */
    private static List<List<String>> azLines(FakeAzure azure) throws IOException {
        List<List<String>> lines = new ArrayList<>();
        for (FakeCall call : azure.calls()) {
            if (!call.program().equals("az")) {
                continue;
            }
            List<String> args = new ArrayList<>(call.argv().subList(1, call.argv().size()));
            int body = args.indexOf("--body");
            if (body >= 0) {
                assertThat(call.body()).as("the logged body of " + call.argv()).isNotNull();
                String file = Path.of(args.get(body + 1).substring(1)).getFileName().toString();
                args.set(body + 1, "@" + bodyFile(file, call.body()));
            }
            lines.add(args);
        }
        return lines;
    }

    /**
     * {@code content} in a file named {@code name} under a directory named after the content, so that the same
     * body gives the same argv in every run (and is checked once).
     */
    private static Path bodyFile(String name, String content) throws IOException {
        Path file = BODIES.resolve(sha256(content).substring(0, 16)).resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static void add(Map<List<String>, Set<String>> sources, Map<String, int[]> counts, String run,
            List<List<String>> lines) {
        int fresh = 0;
        for (List<String> args : lines) {
            if (!sources.containsKey(args)) {
                fresh++;
            }
            sources.computeIfAbsent(args, key -> new LinkedHashSet<>()).add(run);
        }
        counts.put(run, new int[] {lines.size(), fresh});
    }

    private static String uncheckableReason(List<String> args) {
        String command = String.join(" ", args);
        return UNCHECKABLE.entrySet().stream().filter(entry -> command.startsWith(entry.getKey() + " "))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    /** {@code args} with {@code option value}: the value replaced when the option is there, else both appended. */
    private static List<String> withOption(List<String> args, String option, String value) {
        List<String> changed = new ArrayList<>(args);
        int at = changed.indexOf(option);
        if (at >= 0) {
            changed.set(at + 1, value);
        } else {
            changed.add(option);
            changed.add(value);
        }
        return changed;
    }

    private static void printSummary(Map<String, int[]> counts, List<Check> checks, List<String> unchecked,
            double seconds) {
        StringBuilder summary = new StringBuilder("Real az CLI 2.74 parser check: ")
                .append(checks.size()).append(" unique lines checked, ").append(unchecked.size())
                .append(" not checkable, in ").append(String.format("%.0f", seconds)).append(" s\n");
        for (Map.Entry<String, int[]> count : counts.entrySet()) {
            summary.append(String.format("  %-75s %3d az lines, %3d not seen before%n", count.getKey(),
                    count.getValue()[0], count.getValue()[1]));
        }
        for (Check check : checks) {
            summary.append(String.format("  %-8s %5.1f s  az %s%n", check.verdict(), check.seconds(),
                    String.join(" ", check.args())));
        }
        unchecked.forEach(line -> summary.append("  UNCHECKED ").append(line).append('\n'));
        System.out.print(summary);
    }

    /** A change to the fake's complete deployment. */
    @FunctionalInterface
    private interface FakeChange {
        FakeAzure apply(FakeAzure deployed) throws IOException;
    }
}
