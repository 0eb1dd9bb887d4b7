package dev.callerguard.mutation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Checks PIT's report of the trust path ({@code mvn -B -Pmutation verify}) against the goal: at least
 * {@link #GOAL} of the mutants that are not listed as equivalent are killed, and every mutant of the key and cache
 * classes is killed or listed. The list, {@code src/test/pitest/equivalent-mutants.tsv}, names each mutant that
 * cannot change behaviour, one per line with its reason; nothing else is excluded, and a listed mutant that no
 * longer survives fails the check too, so that the list stays true. Prints the figures; throws (failing the
 * build, as {@code exec:java} runs it inside Maven) when the goal is missed.
 */
public final class MutationGoal {
    static final double GOAL = 0.97;
    /** The classes whose every mutant must be killed or listed: the key set and the validated-token cache. */
    static final List<String> KEY_AND_CACHE_CLASSES = List.of("dev.callerguard.internal.keys.KeySetCache",
            "dev.callerguard.internal.token.VerifiedTokenCache", "dev.callerguard.internal.keys.SigningKeys",
            "dev.callerguard.internal.keys.KeyLookup", "dev.callerguard.internal.keys.JwksKeySetSource");

    /** One mutant of the report. */
    record Mutant(String status, String mutatedClass, String method, String mutator, String description, int line) {
        boolean detected() {
            return switch (status) {
                case "KILLED", "TIMED_OUT", "MEMORY_ERROR", "RUN_ERROR" -> true;
                default -> false;
            };
        }

        boolean inKeyOrCacheClass() {
            String outer = mutatedClass.contains("$") ? mutatedClass.substring(0, mutatedClass.indexOf('$'))
                    : mutatedClass;
            return KEY_AND_CACHE_CLASSES.contains(outer);
        }

        String identity() {
            return String.join("\t", mutatedClass, method, mutator, description);
        }
    }

    private MutationGoal() {
    }

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "target/pit-reports/mutations.xml");
        Path list = Path.of(args.length > 1 ? args[1] : "callerguard/src/test/pitest/equivalent-mutants.tsv");
        List<String> problems = check(read(report), equivalents(list), System.out);
        problems.forEach(problem -> System.out.println("MUTATION GOAL MISSED: " + problem));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the mutation goal is missed (" + problems.size() + " problems, above)");
        }
    }

    /** Prints the figures to {@code out} and returns what misses the goal (empty when it is met). */
    static List<String> check(List<Mutant> mutants, Set<String> equivalent, java.io.PrintStream out) {
        List<String> problems = new ArrayList<>();
        Set<String> matched = new LinkedHashSet<>();
        int killed = 0;
        int listed = 0;
        List<Mutant> survivors = new ArrayList<>();
        for (Mutant mutant : mutants) {
            if (mutant.detected()) {
                killed++;
            } else if (equivalent.contains(mutant.identity())) {
                listed++;
                matched.add(mutant.identity());
            } else {
                survivors.add(mutant);
            }
        }
        int counted = mutants.size() - listed;
        double score = counted == 0 ? 1.0 : (double) killed / counted;
        out.printf("Mutants %d, killed %d, listed as equivalent %d, survived or not covered %d: %.1f %% of %d killed"
                + " (goal %.0f %%)%n", mutants.size(), killed, listed, survivors.size(), 100 * score, counted,
                100 * GOAL);
        survivors.forEach(mutant -> out.printf("  %s %s.%s line %d: %s (%s)%n", mutant.status(),
                mutant.mutatedClass(), mutant.method(), mutant.line(), mutant.description(), mutant.mutator()));
        if (score < GOAL) {
            problems.add(String.format("%.1f %% killed, below %.0f %%", 100 * score, 100 * GOAL));
        }
        survivors.stream().filter(Mutant::inKeyOrCacheClass).forEach(mutant -> problems.add(
                "a mutant of a key or cache class survives: " + mutant.mutatedClass() + "." + mutant.method()
                        + " line " + mutant.line() + ": " + mutant.description()));
        equivalent.stream().filter(entry -> !matched.contains(entry)).forEach(entry -> problems.add(
                "listed as equivalent but not among the survivors (remove it): " + entry.replace('\t', ' ')));
        return problems;
    }

    static List<Mutant> read(Path report) throws Exception {
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile())
                .getDocumentElement();
        NodeList nodes = root.getElementsByTagName("mutation");
        List<Mutant> mutants = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element mutation = (Element) nodes.item(i);
            String mutator = text(mutation, "mutator");
            mutants.add(new Mutant(mutation.getAttribute("status"), text(mutation, "mutatedClass"),
                    text(mutation, "mutatedMethod"), mutator.substring(mutator.lastIndexOf('.') + 1),
                    text(mutation, "description"), Integer.parseInt(text(mutation, "lineNumber"))));
        }
        return mutants;
    }

    /**
     * The listed mutants: {@code class<TAB>method<TAB>mutator<TAB>description<TAB>reason}, where mutator is the
     * last part of PIT's mutator name; blank lines and lines starting with {@code #} are comments. A line stands
     * for every mutant of that method with that mutator and description.
     */
    static Set<String> equivalents(Path list) throws IOException {
        Set<String> entries = new LinkedHashSet<>();
        for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t");
            if (fields.length != 5 || fields[4].isBlank()) {
                throw new IllegalArgumentException(list + ": not class, method, mutator, description and reason: "
                        + line);
            }
            entries.add(String.join("\t", fields[0], fields[1], fields[2], fields[3]));
        }
        return entries;
    }

    private static String text(Element parent, String tag) {
        return parent.getElementsByTagName(tag).item(0).getTextContent();
    }
}
