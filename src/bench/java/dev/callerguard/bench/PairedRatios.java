package dev.callerguard.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The goals that compare two benchmarks, measured side by side in one JVM: fresh token against the floor and
 * against java-jwt, each refusal against the fresh acceptance. JMH runs each benchmark in its own fork, a minute
 * or more apart, and on a shared VM whose speed drifts by ±10 % from one minute to the next that drift is as
 * large as the goals' margins. Here each pair is a palindrome of short slices (floor, fresh, java-jwt, the three
 * refusals, then the same in reverse order): a slow spell slows both sides of a ratio alike, and a drift that
 * is steady over the pair's few seconds cancels out. The floor's second slice against its first shows how much
 * two measurements of the same thing differ on this machine. Same token, key, clock and code as
 * {@link TokenCheckBenchmark}.
 *
 * <p>Run with {@code scripts/bench.sh --paired [pairs] [slice-ms]}; prints each ratio's median, quartiles and
 * range over the pairs and how many pairs meet the goal.
 */
public final class PairedRatios {
    private static final int WARM_UP_SECONDS = 15;
    private static final double FLOOR_GOAL = 0.9;
    private static final double PEER_GOAL = 1.0;

    /** Written after every operation, so that no result can be dropped as unused. */
    private static volatile Object sink;

    private interface Operation {
        Object run() throws Exception;
    }

    private record Side(String name, Operation operation) {
    }

    private PairedRatios() {
    }

    public static void main(String[] args) throws Exception {
        int pairs;
        int sliceMillis;
        try {
            pairs = args.length > 0 ? Integer.parseInt(args[0]) : 60;
            sliceMillis = args.length > 1 ? Integer.parseInt(args[1]) : 250;
        } catch (NumberFormatException e) {
            pairs = 0;
            sliceMillis = 0;
        }
        if (args.length > 2 || pairs < 1 || sliceMillis < 50 || sliceMillis > 60_000) {
            System.err.println("usage: PairedRatios [pairs >= 1] [slice milliseconds, 50 to 60000]");
            System.exit(2);
        }
        TokenCheckBenchmark benchmark = new TokenCheckBenchmark();
        benchmark.setUp();
        TokenCheckBenchmark.ReusedSignature reused = new TokenCheckBenchmark.ReusedSignature();
        reused.setUp();
        List<Side> sides = List.of(
                new Side("floor", () -> benchmark.floor(reused)),
                new Side("guardFresh", benchmark::guardFresh),
                new Side("peerJavaJwt", benchmark::peerJavaJwt),
                new Side("refuseBadSignature", benchmark::refuseBadSignature),
                new Side("refuseWrongAudience", benchmark::refuseWrongAudience),
                new Side("refuseCallerNotAllowed", benchmark::refuseCallerNotAllowed));
        int count = sides.size();

        System.out.printf("warming up %d s, then %d pairs, each %d slices of %d ms (about %d s)%n", WARM_UP_SECONDS,
                pairs, 2 * count, sliceMillis, pairs * 2L * count * sliceMillis / 1000);
        long warmUpEnd = System.nanoTime() + WARM_UP_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < warmUpEnd) {
            for (Side side : sides) {
                opsPerSecond(side.operation(), 200);
            }
        }

        // A palindrome per pair (each side, then each side again in reverse order): a drift that is steady over
        // the pair's few seconds cancels out of every ratio of two sides' means.
        double[][] first = new double[count][pairs];
        double[][] second = new double[count][pairs];
        for (int pair = 0; pair < pairs; pair++) {
            for (int i = 0; i < count; i++) {
                first[i][pair] = opsPerSecond(sides.get(i).operation(), sliceMillis);
            }
            for (int i = count - 1; i >= 0; i--) {
                second[i][pair] = opsPerSecond(sides.get(i).operation(), sliceMillis);
            }
        }
        double[][] means = new double[count][pairs];
        for (int i = 0; i < count; i++) {
            for (int pair = 0; pair < pairs; pair++) {
                means[i][pair] = (first[i][pair] + second[i][pair]) / 2;
            }
        }

        System.out.printf("%nmedian ops/s over the pairs:");
        for (int i = 0; i < count; i++) {
            System.out.printf(Locale.ROOT, "%s %s %,.0f", i % 3 == 0 ? "\n " : " ", sides.get(i).name(),
                    median(means[i]));
        }
        System.out.printf(Locale.ROOT, "%n%-48s %7s %15s %15s %18s%n", "ratio per pair", "median", "quartiles",
                "range", "pairs meeting goal");
        print("guardFresh ÷ floor (goal ≥ 0.9)", ratios(means[1], means[0]), FLOOR_GOAL);
        print("guardFresh ÷ peerJavaJwt (goal ≥ 1)", ratios(means[1], means[2]), PEER_GOAL);
        for (int i = 3; i < count; i++) {
            print(sides.get(i).name() + " ÷ guardFresh (goal ≥ 1)", ratios(means[i], means[1]), 1.0);
        }
        // Two single slices, not drift-corrected: an upper bound on the noise of the ratios above.
        print(String.format(Locale.ROOT, "floor ÷ floor %.1f s earlier (noise)",
                (2 * count - 1) * sliceMillis / 1000.0), ratios(second[0], first[0]), Double.NaN);
    }

    private static double[] ratios(double[] numerators, double[] denominators) {
        double[] ratios = new double[numerators.length];
        for (int k = 0; k < ratios.length; k++) {
            ratios[k] = numerators[k] / denominators[k];
        }
        return ratios;
    }

    /** Runs {@code operation} for about {@code millis} and returns its rate. */
    private static double opsPerSecond(Operation operation, int millis) throws Exception {
        long start = System.nanoTime();
        long deadline = start + millis * 1_000_000L;
        long count = 0;
        long now;
        do {
            sink = operation.run();
            count++;
            now = System.nanoTime();
        } while (now < deadline);
        return count * 1e9 / (now - start);
    }

    /** One line: median, quartiles and range of the ratios, and how many are at least {@code goal} (if any). */
    private static void print(String label, double[] ratios, double goal) {
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        String meeting = Double.isNaN(goal) ? "-"
                : Arrays.stream(sorted).filter(ratio -> ratio >= goal).count() + " of " + sorted.length;
        System.out.printf(Locale.ROOT, "%-48s %7.3f %15s %15s %18s%n", label, quantile(sorted, 0.5),
                String.format(Locale.ROOT, "%.3f–%.3f", quantile(sorted, 0.25), quantile(sorted, 0.75)),
                String.format(Locale.ROOT, "%.3f–%.3f", sorted[0], sorted[sorted.length - 1]), meeting);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return quantile(sorted, 0.5);
    }

    /** The {@code q} quantile of sorted values, interpolated between neighbours. */
    private static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
