package dev.callerguard.mutation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.callerguard.mutation.MutationGoal.Mutant;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MutationGoalTest {
    private static final String RULE = "dev.callerguard.internal.rules.AudienceRule";
    private static final String CACHE = "dev.callerguard.internal.token.VerifiedTokenCache";
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    private static Mutant mutant(String status, String type, String method, String description) {
        return new Mutant(status, type, method, "NegateConditionalsMutator", description, 12);
    }

    private static List<Mutant> killed(int count, String type) {
        List<Mutant> mutants = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            mutants.add(mutant(i % 2 == 0 ? "KILLED" : "TIMED_OUT", type, "check", "negated conditional"));
        }
        return mutants;
    }

    @Test
    void meetsTheGoalWithOneSurvivorInAHundredOutsideTheKeyAndCacheClasses() {
        List<Mutant> mutants = killed(99, RULE);
        mutants.add(mutant("SURVIVED", RULE, "check", "replaced return value with Optional.empty"));

        assertThat(MutationGoal.check(mutants, Set.of(), out)).isEmpty();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Mutants 100, killed 99", "99.0 %");
    }

    @Test
    void missesTheGoalBelowNinetySevenPercent() {
        List<Mutant> mutants = killed(96, RULE);
        for (int i = 0; i < 4; i++) {
            mutants.add(mutant(i == 0 ? "NO_COVERAGE" : "SURVIVED", RULE, "check", "negated conditional " + i));
        }

        assertThat(MutationGoal.check(mutants, Set.of(), out)).singleElement().asString().contains("96.0 %");
    }

    @Test
    void anySurvivorOfACacheClassMissesTheGoal() {
        List<Mutant> mutants = killed(999, RULE);
        mutants.add(mutant("SURVIVED", CACHE + "$Entry", "get", "removed call to invalidate"));

        assertThat(MutationGoal.check(mutants, Set.of(), out)).singleElement().asString()
                .contains("key or cache class", "VerifiedTokenCache$Entry.get");
    }

    @Test
    void aListedEquivalentMutantCountsNeitherWayAndAStaleEntryFails() {
        Mutant equivalent = mutant("SURVIVED", CACHE, "<init>", "replaced int with 0");
        List<Mutant> mutants = killed(3, RULE);
        mutants.add(equivalent);

        assertThat(MutationGoal.check(mutants, Set.of(equivalent.identity()), out)).isEmpty();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("listed as equivalent 1", "100.0 % of 3");
        assertThat(MutationGoal.check(killed(3, RULE), Set.of(equivalent.identity()), out)).singleElement()
                .asString().contains("remove it");
    }

    @Test
    void readsPitsXmlReport(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("mutations.xml");
        Files.writeString(report, "<?xml version=\"1.0\"?><mutations>"
                + "<mutation detected='true' status='KILLED' numberOfTestsRun='2'><sourceFile>A.java</sourceFile>"
                + "<mutatedClass>" + RULE + "</mutatedClass><mutatedMethod>check</mutatedMethod>"
                + "<methodDescription>()V</methodDescription><lineNumber>31</lineNumber>"
                + "<mutator>org.pitest.mutationtest.engine.gregor.mutators.NegateConditionalsMutator</mutator>"
                + "<description>negated conditional</description></mutation></mutations>");

        assertThat(MutationGoal.read(report)).containsExactly(
                new Mutant("KILLED", RULE, "check", "NegateConditionalsMutator", "negated conditional", 31));
    }

    @Test
    void readsTheListAndRefusesALineWithoutItsReason(@TempDir Path dir) throws Exception {
        Path list = dir.resolve("equivalent-mutants.tsv");
        Files.writeString(list, "# comment\n\n" + CACHE + "\t<init>\tMathMutator\tReplaced integer\tcapacity hint\n");
        Path bad = dir.resolve("bad.tsv");
        Files.writeString(bad, CACHE + "\t<init>\tMathMutator\tReplaced integer\t \n");

        assertThat(MutationGoal.equivalents(list)).containsExactly(CACHE + "\t<init>\tMathMutator\tReplaced integer");
        assertThatThrownBy(() -> MutationGoal.equivalents(bad)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theListInTheRepositoryReads() throws Exception {
        assertThat(MutationGoal.equivalents(Path.of("callerguard/src/test/pitest/equivalent-mutants.tsv")))
                .allSatisfy(entry -> assertThat(entry).startsWith("dev.callerguard."));
    }
}
