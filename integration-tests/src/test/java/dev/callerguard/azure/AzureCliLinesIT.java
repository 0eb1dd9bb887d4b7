package dev.callerguard.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.callerguard.azure.FakeAzure.ScriptResult;
import dev.callerguard.azure.RealAzureCli.Check;
import dev.callerguard.azure.RealAzureCli.Verdict;
import dev.callerguard.testing.CommandRun;
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
import java.util.regex.Pattern;
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
    /** The build (and, for a new app, the Maven plugin's deployment) and, for an existing app, its zip: not az. */
    private static final String MAVEN_LINE = " && mvn -B ";
    private static final List<String> PACKAGE_LINES =
            List.of("rm -rf ", "rm -f ", "cp -R ", "jar --create --no-manifest ");
    private static final Pattern USAGE_ERROR =
            Pattern.compile("usage error|are required|is not a valid|must be used with", Pattern.CASE_INSENSITIVE);
    /** A time limit deploy.sh puts around an az line: {@code timeout SECONDS az ...}. */
    private static final String TIME_LIMIT = "timeout";

    /**
     * deploy.sh against a complete deployment changed as named, with the example settings and the overrides
     * given: the branches a dry run does not print.
     */
    private static final Map<String, Branch> DEPLOY_BRANCHES = new LinkedHashMap<>();

    static {
        DEPLOY_BRANCHES.put("function app without identity (identity assign)",
                new Branch(azure -> azure.missing("functionapp-identity")));
        DEPLOY_BRANCHES.put("API Management without identity (apim update)",
                new Branch(azure -> azure.missing("apim-identity")));
        DEPLOY_BRANCHES.put("named value with another value (apim nv update)",
                new Branch(azure -> azure.exists("apim-nv", "api://other")));
        DEPLOY_BRANCHES.put("app registration of that name exists (signed-in user, owner list)",
                new Branch(azure -> azure.exists("app")));
        DEPLOY_BRANCHES.put("API of that id exists (apim api update)",
                new Branch(azure -> azure.exists("apim-api")));
        DEPLOY_BRANCHES.put("function app on an App Service plan (plan show --ids)",
                new Branch(azure -> azure.functionApp("ElasticPremium", "functionapp,linux")));
        DEPLOY_BRANCHES.put("existing Flex app (its runtime, zip deployment)",
                new Branch(azure -> azure.functionApp("FlexConsumption", "functionapp,linux"),
                        "EXISTING_FUNCTION_APP", "true"));
        DEPLOY_BRANCHES.put("existing Windows app on Elastic Premium (config show, zip deployment)",
                new Branch(azure -> azure.functionApp("ElasticPremium", "functionapp"),
                        "EXISTING_FUNCTION_APP", "true"));
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
     * The fake az of the behaviour tests refuses (exit 2) every line the real CLI refuses, among the lines near
     * those the scripts send: for one line of each command and set of options the scripts use, the line with an
     * option the command lacks, without each of its required options, and with each value that has allowed
     * values (or must be an integer) replaced by one that is not allowed; and the combinations of
     * {@code functionapp create} options that az refuses before any login. The fake answers each unchanged line
     * (its grammar lets it through) and refuses each changed one for the reason the change introduced. Only
     * the parser-level rules are covered: the JMESPath of {@code --query} is not parsed by the fake (the
     * scripts' real queries pass the real CLI above).
     */
    @Test
    void theFakeAzRefusesWhatTheRealCliRefuses() throws Exception {
        RealAzureCli cli = RealAzureCli.installed();
        FakeAzGrammar grammar = FakeAzGrammar.read();
        // One line per command and set of option names: the Flex and the legacy functionapp create are two.
        Map<String, List<String>> baseLines = new LinkedHashMap<>();
        Set<String> commandsUsed = new LinkedHashSet<>();
        for (List<String> args : scriptLines(new LinkedHashMap<>()).keySet()) {
            FakeAzGrammar.Command command = grammar.commandOf(args);
            assertThat(command).as("the fake's grammar has no entry for az " + String.join(" ", args)).isNotNull();
            commandsUsed.add(command.words());
            baseLines.putIfAbsent(command.words() + " " + args.stream().filter(arg -> arg.startsWith("-")).sorted()
                    .toList(), args);
        }
        assertThat(commandsUsed).as("every command of the fake's grammar is one the scripts run")
                .containsExactlyInAnyOrderElementsOf(grammar.commandWords());
        List<Mutation> mutations = new ArrayList<>();
        for (List<String> base : baseLines.values()) {
            FakeAzGrammar.Command command = grammar.commandOf(base);
            mutations.add(new Mutation(base, "unchanged", null));
            List<String> unknown = new ArrayList<>(base);
            unknown.addAll(List.of("--no-such-option", "x"));
            mutations.add(new Mutation(unknown, "an option the command lacks", "unrecognized arguments"));
            for (List<String> names : command.required()) {
                mutations.add(new Mutation(FakeAzGrammar.without(base, names), "without " + names.get(0),
                        "the following arguments are required: " + names.get(0)));
            }
            command.allowedValues().forEach((option, allowed) -> {
                int at = base.indexOf(option);
                if (at >= 0) {
                    boolean integer = allowed.equals(List.of("int"));
                    mutations.add(new Mutation(withOption(base, option, integer ? "many" : "not-an-allowed-value"),
                            option + " outside its values", integer ? "invalid int value" : "is not a valid value"));
                }
            });
        }
        mutations.addAll(functionAppCreateUsageErrors(baseLines.values()));

        List<Check> real = cli.checkAll(mutations.stream().map(Mutation::args).toList());

        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < mutations.size(); i++) {
            Mutation mutation = mutations.get(i);
            Check check = real.get(i);
            CommandRun fake = FakeAzGrammar.runFake(mutation.args(), Files.createTempDirectory(dir, "fake"));
            String line = mutation.kind() + ": az " + String.join(" ", mutation.args());
            if (mutation.fakeSays() == null) {
                // Unchanged: the real CLI parses it (the first test), the fake's grammar lets it through.
                if (check.verdict() != Verdict.ACCEPTED || fake.exitCode() == 2) {
                    disagreements.add(line + "\n    real: " + check + "\n    fake: exit " + fake.exitCode() + " "
                            + fake.stderr().strip());
                }
                continue;
            }
            if (!refusedBeforeLogin(check) || fake.exitCode() != 2 || !fake.stderr().contains(mutation.fakeSays())) {
                disagreements.add(line + "\n    real: " + check.verdict() + " " + check.firstErrorLine()
                        + "\n    fake: exit " + fake.exitCode() + " " + fake.stderr().strip()
                        + "\n    both must refuse it; the fake saying \"" + mutation.fakeSays() + "\"");
            }
        }
        System.out.printf("Fake az against the real az CLI 2.74: %d base lines (%d commands) accepted by both, %d"
                + " changed lines refused by both%n", baseLines.size(), commandsUsed.size(),
                mutations.size() - baseLines.size());
        assertThat(disagreements).as("lines on which the fake az and the real CLI 2.74 disagree").isEmpty();
    }

    /**
     * The real CLI refused the line before any login: a parse error (exit 2), or a usage error az raises before it
     * asks for a login (exit 1), as for a resource command without --name or --ids ("(--name | --ids) are
     * required") or functionapp create's plan-location rules ("usage error: ...", "... is not a valid input").
     */
    private static boolean refusedBeforeLogin(Check check) {
        return check.verdict() == Verdict.REFUSED || check.verdict() == Verdict.OTHER && check.exitCode() == 1
                && check.stderr().lines().anyMatch(line -> line.startsWith("ERROR:")
                        && USAGE_ERROR.matcher(line).find());
    }

    /** The functionapp create lines az refuses before any login although each option on its own parses. */
    private static List<Mutation> functionAppCreateUsageErrors(Iterable<List<String>> baseLines) {
        List<String> flex = null;
        List<String> legacy = null;
        for (List<String> base : baseLines) {
            if (base.size() > 2 && base.subList(0, 2).equals(List.of("functionapp", "create"))) {
                if (base.contains("--flexconsumption-location")) {
                    flex = base;
                } else if (base.contains("--consumption-plan-location")) {
                    legacy = base;
                }
            }
        }
        assertThat(flex).as("the scripts' Flex create line").isNotNull();
        assertThat(legacy).as("the scripts' legacy create line").isNotNull();
        return List.of(
                new Mutation(withOption(legacy, "--instance-memory", "2048"), "legacy plan with a Flex option",
                        "--instance-memory is only for --flexconsumption-location"),
                new Mutation(withOption(flex, "--consumption-plan-location", "westeurope"), "two plan locations",
                        "You must specify one of these parameter"),
                new Mutation(FakeAzGrammar.without(flex, List.of("--flexconsumption-location", "-f")),
                        "no plan location", "You must specify one of these parameter"),
                new Mutation(withOption(flex, "--os-type", "Windows"), "Flex on Windows",
                        "is not a valid input for Flex Consumption"));
    }

    /** A line for both CLIs; {@code fakeSays}: what the fake's refusal must say, null for a line both accept. */
    private record Mutation(List<String> args, String kind, String fakeSays) {
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
        for (Map.Entry<String, Branch> branch : DEPLOY_BRANCHES.entrySet()) {
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
            if (PACKAGE_LINES.stream().anyMatch(printed::startsWith)) {
                continue;
            }
            List<String> words = ShellWords.of(DryRunPlaceholders.fill(printed), runDir);
            if (words.get(0).equals(TIME_LIMIT)) {
                assertThat(words.get(1)).as("the seconds of " + printed).matches("[0-9]+");
                words = words.subList(2, words.size());
            }
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
        assertThat(maven).as("the dry run of %s prints the mvn lines when it builds the sample", settings.name())
                .isEqualTo(settings.buildsTheSample());
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

    /** The az calls of deploy.sh against a complete fake deployment as the branch changed it, with its settings. */
    private List<List<String>> deployLines(Branch branch) throws IOException, InterruptedException {
        Path runDir = Files.createTempDirectory(dir, "deploy");
        FakeAzure azure = branch.change().apply(FakeAzure.deployed(runDir));
        ScriptResult result = azure.run("deploy.sh", "--config", azure.config(branch.overrides()).toString());
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

    /** A branch of deploy.sh: the fake's deployment changed, and settings (NAME, value, ...) over the example. */
    private record Branch(FakeChange change, String... overrides) {
    }
}
