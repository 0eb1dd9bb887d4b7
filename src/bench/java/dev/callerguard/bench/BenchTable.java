package dev.callerguard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints JMH's JSON results (from {@code scripts/bench.sh}) as one table: throughput with its error, the ratio to
 * the floor (RSA verification alone, reused {@code Signature}), and bytes allocated per operation from
 * {@code -prof gc}; then the targets.
 */
public final class BenchTable {
    /** Table order: floor, peers, CallerGuard, refusals; anything else after them. */
    private static final List<String> ORDER = List.of("floorFreshSignature", "floor", "peerJavaJwt", "peerNimbus",
            "guardFresh", "guardRepeated", "guardEasyAuth", "refuseBadSignature", "refuseWrongAudience",
            "refuseCallerNotAllowed");

    /** One benchmark; {@code score} is in {@code unit}, ops/s unless JMH ran in a time mode ({@code -bm avgt}). */
    private record Row(String name, double score, double error, String unit, double bytesPerOp) {
        /** Operations per second, whatever the unit, so that ratios always read "times as fast". */
        double opsPerSecond() {
            if (unit.endsWith("/op")) {
                double perOp = switch (unit) {
                    case "ns/op" -> 1e-9;
                    case "us/op" -> 1e-6;
                    case "ms/op" -> 1e-3;
                    default -> 1.0;
                };
                return 1.0 / (score * perOp);
            }
            return score;
        }
    }

    private BenchTable() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: BenchTable <jmh-results.json>...  (several files: one per round)");
            System.exit(2);
        }
        List<Map<String, Row>> rounds = new ArrayList<>();
        for (String file : args) {
            Map<String, Row> round = new LinkedHashMap<>();
            read(new ObjectMapper().readTree(Path.of(file).toFile())).forEach(row -> round.put(row.name(), row));
            rounds.add(round);
        }
        Map<String, Row> byName = rounds.size() == 1 ? rounds.get(0) : combine(rounds);
        List<Row> rows = new ArrayList<>(byName.values());
        rows.sort(Comparator.comparingInt(row -> ORDER.contains(row.name()) ? ORDER.indexOf(row.name())
                : ORDER.size()));
        Row floor = byName.get("floor");

        String format = "%-24s %22s %10s %10s%n";
        String unit = rows.isEmpty() ? "ops/s" : rows.get(0).unit();
        if (rounds.size() > 1) {
            System.out.printf("%d rounds: the median of the rounds' scores ± half their spread%n", rounds.size());
        }
        System.out.printf(format, "benchmark", unit + " ± error", "× floor", "B/op");
        System.out.printf(format, "-".repeat(24), "-".repeat(22), "-".repeat(10), "-".repeat(10));
        String number = unit.endsWith("/op") ? "%,.2f ± %,.2f" : "%,.0f ± %,.0f";
        for (Row row : rows) {
            System.out.printf(format, row.name(),
                    String.format(Locale.ROOT, number, row.score(), row.error()),
                    floor == null ? "-" : String.format(Locale.ROOT, "%.2f", row.opsPerSecond() / floor.opsPerSecond()),
                    Double.isNaN(row.bytesPerOp()) ? "-" : String.format(Locale.ROOT, "%,.0f", row.bytesPerOp()));
        }
        printTargets(rounds, byName);
    }

    /** One row per benchmark over several rounds: the median score, half the spread as the error. */
    private static Map<String, Row> combine(List<Map<String, Row>> rounds) {
        Map<String, Row> combined = new LinkedHashMap<>();
        for (String name : rounds.get(0).keySet()) {
            List<Row> runs = rounds.stream().map(round -> round.get(name)).filter(row -> row != null).toList();
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

    private static void printTargets(List<Map<String, Row>> rounds, Map<String, Row> rows) {
        if (!rows.containsKey("guardFresh")) {
            return;
        }
        System.out.println();
        System.out.println("targets (issue \"Speed\"):");
        target(rounds, "guardFresh", "floor", 0.9, "fresh (RSA every time) ≥ 0.9 × floor");
        rows.values().stream().filter(row -> row.name().startsWith("peer"))
                .max(Comparator.comparingDouble(Row::opsPerSecond))
                .ifPresent(fastestPeer -> target(rounds, "guardFresh", fastestPeer.name(), 1.0,
                        "fresh ≥ fastest peer (" + fastestPeer.name() + ")"));
        target(rounds, "guardRepeated", "floor", 20.0, "repeated (cached) ≥ 20 × floor");
        for (String refusal : List.of("refuseBadSignature", "refuseWrongAudience", "refuseCallerNotAllowed")) {
            target(rounds, refusal, "guardFresh", 1.0, refusal + " ≥ fresh acceptance");
        }
    }

    /**
     * One goal: the ratio with, in brackets, its range. For one round, the range the ratio could take if both
     * scores moved anywhere within their JMH error (99.9 % intervals); for several, the median of the rounds'
     * ratios and their lowest and highest (each round measures both benchmarks minutes apart, not an hour).
     */
    private static void target(List<Map<String, Row>> rounds, String measured, String against, double atLeast,
                               String what) {
        List<Double> ratios = new ArrayList<>();
        double low = Double.NaN;
        double high = Double.NaN;
        for (Map<String, Row> round : rounds) {
            Row row = round.get(measured);
            Row base = round.get(against);
            if (row == null || base == null) {
                continue;
            }
            ratios.add(row.opsPerSecond() / base.opsPerSecond());
            if (rounds.size() == 1) {
                low = (row.score() - row.error()) / (base.score() + base.error());
                high = (row.score() + row.error()) / Math.max(base.score() - base.error(), Double.MIN_VALUE);
                if (row.unit().endsWith("/op")) {
                    double swap = low;
                    low = 1 / high;
                    high = 1 / swap;
                }
            }
        }
        if (ratios.isEmpty()) {
            return;
        }
        double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double ratio = median(sorted);
        if (rounds.size() > 1) {
            low = sorted[0];
            high = sorted[sorted.length - 1];
        }
        System.out.printf(Locale.ROOT, "  %-48s %8.2f×  (%.2f–%.2f)  %s%n", what, ratio, low, high,
                verdict(ratio, low, high, atLeast));
    }

    /** Met or missed, and whether the range (error bars, or the rounds) leaves it in doubt. */
    private static String verdict(double ratio, double low, double high, double atLeast) {
        if (ratio >= atLeast) {
            return low >= atLeast ? "yes" : "yes, within the error";
        }
        return high >= atLeast ? "NO, within the error" : "NO";
    }
}
