package dev.callerguard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Prints JMH's JSON results (from {@code scripts/bench.sh}) as one table — throughput with its error, the ratio to
 * the JDK floor (RSA verification alone, reused {@code Signature}) and bytes allocated per operation from
 * {@code -prof gc}, with OpenSSL's RSA-2048 verify rate on the same machine as the physical reference — then the
 * goals, each a ratio taken within one run, so that the table alone says which are met.
 */
public final class BenchTable {
    /** Table order: floors and reference, peers, CallerGuard, refusals; anything else after them. */
    private static final List<String> ORDER = List.of("floorFreshSignature", "floor", "floorNative", Row.OPENSSL,
            "peerJavaJwt", "peerNimbus", "peerJavaJwtNative", "peerNimbusNative", "guardFresh", "guardRepeated",
            "guardEasyAuth", "refuseBadSignature", "refuseWrongAudience", "refuseCallerNotAllowed");
    private static final List<String> NATIVE_PEERS = List.of("peerJavaJwtNative", "peerNimbusNative");

    /** One benchmark; {@code score} is in {@code unit}, ops/s unless JMH ran in a time mode ({@code -bm avgt}). */
    private record Row(String name, double score, double error, String unit, double bytesPerOp) {
        /** The row of OpenSSL's rate, which {@code scripts/bench.sh} measures with {@code openssl speed}. */
        static final String OPENSSL = "openssl speed (reference)";

        /** Operations per second, whatever the unit, so that ratios always read "times as fast". */
        double opsPerSecond() {
            return toOpsPerSecond(score);
        }

        /** The lowest and highest rate within the error (JMH's 99.9 % interval), in operations per second. */
        double[] opsPerSecondWithinError() {
            double[] bounds = {toOpsPerSecond(score - error), toOpsPerSecond(score + error)};
            Arrays.sort(bounds);
            return bounds;
        }

        private double toOpsPerSecond(double value) {
            if (unit.endsWith("/op")) {
                return 1.0 / (Math.max(value, Double.MIN_VALUE) * secondsPer(unit));
            }
            return value;
        }

        /** A rate in operations per second as a row in {@code unit}, so that it reads like the rows around it. */
        static Row ofRate(String name, double opsPerSecond, double error, String unit) {
            if (unit.endsWith("/op")) {
                return new Row(name, 1.0 / (opsPerSecond * secondsPer(unit)),
                        error / (opsPerSecond * opsPerSecond * secondsPer(unit)), unit, Double.NaN);
            }
            return new Row(name, opsPerSecond, error, unit, Double.NaN);
        }

        private static double secondsPer(String unit) {
            return switch (unit) {
                case "ns/op" -> 1e-9;
                case "us/op" -> 1e-6;
                case "ms/op" -> 1e-3;
                default -> 1.0;
            };
        }
    }

    /** One run of the suite, and OpenSSL's rate measured just before it (NaN with {@code --no-openssl}). */
    private record Round(Map<String, Row> rows, double openssl) {
    }

    /** A goal's ratio in one round, with the lowest and highest it could be within the JMH errors. */
    private record Ratio(double value, double low, double high) {
        static Ratio of(Row measured, Row base) {
            double[] row = measured.opsPerSecondWithinError();
            double[] against = base.opsPerSecondWithinError();
            return new Ratio(measured.opsPerSecond() / base.opsPerSecond(), row[0] / against[1],
                    row[1] / Math.max(against[0], Double.MIN_VALUE));
        }
    }

    private BenchTable() {
    }

    public static void main(String[] args) throws IOException {
        List<Round> rounds = new ArrayList<>();
        List<JsonNode> results = new ArrayList<>();
        double openssl = Double.NaN;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--openssl") && i + 1 < args.length) {
                openssl = Double.parseDouble(args[++i]);
                continue;
            }
            JsonNode result = new ObjectMapper().readTree(Path.of(args[i]).toFile());
            Map<String, Row> round = new LinkedHashMap<>();
            read(result).forEach(row -> round.put(row.name(), row));
            rounds.add(new Round(round, openssl));
            results.add(result);
            openssl = Double.NaN;
        }
        if (rounds.isEmpty()) {
            System.err.println("usage: BenchTable [--openssl <RSA-2048 verify/s>] <jmh-results.json>..."
                    + "  (several files: one per round, each after OpenSSL's rate measured before it)");
            System.exit(2);
        }
        System.out.println(CryptoProviders.versions());
        forks(results.get(0)).ifPresent(System.out::println);

        Map<String, Row> byName = rounds.size() == 1 ? new LinkedHashMap<>(rounds.get(0).rows()) : combine(rounds);
        String unit = byName.isEmpty() ? "ops/s" : byName.values().iterator().next().unit();
        double[] rates = rounds.stream().mapToDouble(Round::openssl).filter(rate -> !Double.isNaN(rate)).sorted()
                .toArray();
        if (rates.length > 0) {
            byName.put(Row.OPENSSL, Row.ofRate(Row.OPENSSL, median(rates),
                    rates.length == 1 ? Double.NaN : (rates[rates.length - 1] - rates[0]) / 2, unit));
        }
        List<Row> rows = new ArrayList<>(byName.values());
        rows.sort(Comparator.comparingInt(row -> ORDER.contains(row.name()) ? ORDER.indexOf(row.name())
                : ORDER.size()));
        Row floor = byName.get("floor");

        String format = "%-26s %22s %11s %10s%n";
        if (rounds.size() > 1) {
            System.out.printf("%d rounds: the median of the rounds' scores ± half their spread%n", rounds.size());
        }
        System.out.printf(format, "benchmark", unit + " ± error", "× JDK floor", "B/op");
        System.out.printf(format, "-".repeat(26), "-".repeat(22), "-".repeat(11), "-".repeat(10));
        String number = unit.endsWith("/op") ? "%,.2f" : "%,.0f";
        for (Row row : rows) {
            // JMH gives no error for fewer than three iterations, nor is there one for a single OpenSSL rate.
            String score = Double.isNaN(row.error()) ? String.format(Locale.ROOT, number + "    ", row.score())
                    : String.format(Locale.ROOT, number + " ± " + number, row.score(), row.error());
            System.out.printf(format, row.name(), score,
                    floor == null ? "-" : String.format(Locale.ROOT, "%.2f", row.opsPerSecond() / floor.opsPerSecond()),
                    Double.isNaN(row.bytesPerOp()) ? "-" : String.format(Locale.ROOT, "%,.0f", row.bytesPerOp()));
        }
        printGoals(rounds, byName);
    }

    /** Which JVM and JMH the forks ran, from the results themselves (this JVM may differ). */
    private static Optional<String> forks(JsonNode results) {
        if (!results.isArray() || results.isEmpty()) {
            return Optional.empty();
        }
        JsonNode first = results.get(0);
        return Optional.of(String.format("benchmark forks: java %s (%s %s), JMH %s", first.path("jdkVersion").asText(),
                first.path("vmName").asText(), first.path("vmVersion").asText(), first.path("jmhVersion").asText()));
    }

    /** One row per benchmark over several rounds: the median score, half the spread as the error. */
    private static Map<String, Row> combine(List<Round> rounds) {
        Map<String, Row> combined = new LinkedHashMap<>();
        for (String name : rounds.get(0).rows().keySet()) {
            List<Row> runs = rounds.stream().map(round -> round.rows().get(name)).filter(row -> row != null)
                    .toList();
            double[] scores = runs.stream().mapToDouble(Row::score).sorted().toArray();
            combined.put(name, new Row(name, median(scores), (scores[scores.length - 1] - scores[0]) / 2,
                    runs.get(0).unit(), median(runs.stream().mapToDouble(Row::bytesPerOp).sorted().toArray())));
        }
        return combined;
    }

    private static double median(double[] sorted) {
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static List<Row> read(JsonNode results) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode result : results) {
            String benchmark = result.get("benchmark").asText();
            JsonNode primary = result.get("primaryMetric");
            rows.add(new Row(benchmark.substring(benchmark.lastIndexOf('.') + 1), primary.get("score").asDouble(),
                    primary.get("scoreError").asDouble(Double.NaN), primary.get("scoreUnit").asText(),
                    allocationPerOp(result.get("secondaryMetrics"))));
        }
        return rows;
    }

    /** {@code gc.alloc.rate.norm}; older JMH versions prefix secondary metric names with a middle dot. */
    private static double allocationPerOp(JsonNode secondary) {
        if (secondary != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = secondary.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> metric = it.next();
                if (metric.getKey().endsWith("gc.alloc.rate.norm")) {
                    return metric.getValue().get("score").asDouble();
                }
            }
        }
        return Double.NaN;
    }

    private static void printGoals(List<Round> rounds, Map<String, Row> rows) {
        if (!rows.containsKey("guardFresh") && !rows.containsKey("guardRepeated")) {
            return;
        }
        System.out.println();
        System.out.println("goals (each ratio within one round):");
        goal(rounds, "fresh (RSA every time) ≥ 1.5 × JDK floor", 1.5,
                round -> ratio(round, "guardFresh", round.rows().get("floor")));
        if (rows.containsKey(Row.OPENSSL)) {
            goal(rounds, "fresh ≥ 0.75 × OpenSSL's verify/s", 0.75,
                    round -> ratio(round, "guardFresh", openssl(round)));
        } else {
            System.out.printf("  %-56s not measured (--no-openssl)%n", "fresh ≥ 0.75 × OpenSSL's verify/s");
        }
        String fastest = NATIVE_PEERS.stream().filter(rows::containsKey)
                .max(Comparator.comparingDouble(name -> rows.get(name).opsPerSecond())).orElse("not run");
        goal(rounds, "fresh ≥ fastest peer on native RSA (" + fastest + ")", 1.0,
                round -> ratio(round, "guardFresh", fastestNativePeer(round)));
        goal(rounds, "forged signature refused ≥ fresh accepted", 1.0,
                round -> ratio(round, "refuseBadSignature", round.rows().get("guardFresh")));
        goal(rounds, "repeated (cached) ≥ 20 × JDK floor", 20.0,
                round -> ratio(round, "guardRepeated", round.rows().get("floor")));
        List<String> refusals = List.of("refuseWrongAudience", "refuseCallerNotAllowed").stream()
                .filter(rows::containsKey).toList();
        if (!refusals.isEmpty()) {
            System.out.println("earlier goals (issue \"Speed\"):");
        }
        for (String refusal : refusals) {
            goal(rounds, refusal + " ≥ fresh accepted", 1.0,
                    round -> ratio(round, refusal, round.rows().get("guardFresh")));
        }
        System.out.println("no goal, where the time goes:");
        goal(rounds, "floorNative ÷ JDK floor", Double.NaN,
                round -> ratio(round, "floorNative", round.rows().get("floor")));
        goal(rounds, "floorNative ÷ OpenSSL's verify/s", Double.NaN, round -> ratio(round, "floorNative",
                openssl(round)));
        goal(rounds, "fresh ÷ floorNative", Double.NaN,
                round -> ratio(round, "guardFresh", round.rows().get("floorNative")));
    }

    /** The faster of java-jwt and Nimbus on the native provider in this round: a goal against both at once. */
    private static Row fastestNativePeer(Round round) {
        return NATIVE_PEERS.stream().map(round.rows()::get).filter(row -> row != null)
                .max(Comparator.comparingDouble(Row::opsPerSecond)).orElse(null);
    }

    /** OpenSSL's rate of this round as a row without error, or null when it was not measured. */
    private static Row openssl(Round round) {
        return Double.isNaN(round.openssl()) ? null : Row.ofRate(Row.OPENSSL, round.openssl(), 0, "ops/s");
    }

    private static Ratio ratio(Round round, String measured, Row base) {
        Row row = round.rows().get(measured);
        return row == null || base == null ? null : Ratio.of(row, base);
    }

    /**
     * One goal: the ratio with, in brackets, its range. For one round, the range the ratio could take if both
     * scores moved anywhere within their JMH error (99.9 % intervals; OpenSSL's rate counts as exact); for several,
     * the median of the rounds' ratios and their lowest and highest (each round measures both benchmarks minutes
     * apart, not an hour). {@code atLeast} NaN: a ratio to read, with no verdict.
     */
    private static void goal(List<Round> rounds, String what, double atLeast, Function<Round, Ratio> ratioIn) {
        List<Ratio> ratios = rounds.stream().map(ratioIn).filter(ratio -> ratio != null).toList();
        if (ratios.isEmpty()) {
            if (!Double.isNaN(atLeast)) {
                System.out.printf("  %-56s not measured (a benchmark it needs did not run)%n", what);
            }
            return;
        }
        double[] sorted = ratios.stream().mapToDouble(Ratio::value).sorted().toArray();
        double ratio = median(sorted);
        double low = rounds.size() == 1 ? ratios.get(0).low() : sorted[0];
        double high = rounds.size() == 1 ? ratios.get(0).high() : sorted[sorted.length - 1];
        if (Double.isNaN(low) || Double.isNaN(high)) {
            // Fewer than three iterations: JMH gives no error to make a range of; the verdict is the ratio's alone.
            low = ratio;
            high = ratio;
        }
        String range = Double.isNaN(ratios.get(0).low()) && rounds.size() == 1 ? "(no JMH error)"
                : String.format(Locale.ROOT, "(%.2f–%.2f)", low, high);
        System.out.printf(Locale.ROOT, "  %-56s %8.2f×  %-13s  %s%n", what, ratio, range,
                Double.isNaN(atLeast) ? "" : verdict(ratio, low, high, atLeast));
    }

    /** Met or missed, and whether the range (error bars, or the rounds) leaves it in doubt. */
    private static String verdict(double ratio, double low, double high, double atLeast) {
        if (ratio >= atLeast) {
            return low >= atLeast ? "yes" : "yes, within the error";
        }
        return high >= atLeast ? "NO, within the error" : "NO";
    }
}
