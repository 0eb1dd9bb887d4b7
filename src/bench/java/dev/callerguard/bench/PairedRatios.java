package dev.callerguard.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The two fresh-token goals measured side by side in one JVM: short slices of the floor, CallerGuard's fresh
 * check and java-jwt, interleaved. JMH runs each benchmark in its own fork, a minute or more apart, and on a
 * shared VM whose speed drifts by ±10 % from one minute to the next that drift is as large as the goals'
 * margins. Here each pair is five slices of a fraction of a second in the order floor, fresh, java-jwt, fresh,
 * floor: a slow spell slows both sides of a ratio alike, and a steady drift cancels out. The floor's second
 * slice against its first shows how much two measurements of the same thing differ on this machine. Same
 * token, key, clock and code as {@link TokenCheckBenchmark}.
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

    private PairedRatios() {
    }

    public static void main(String[] args) throws Exception {
        int pairs;
        int sliceMillis;
        try {
            pairs = args.length > 0 ? Integer.parseInt(args[0]) : 60;
            sliceMillis = args.length > 1 ? Integer.parseInt(args[1]) : 400;
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
        Operation floor = () -> benchmark.floor(reused);
        Operation fresh = benchmark::guardFresh;
        Operation javaJwt = benchmark::peerJavaJwt;

        System.out.printf("warming up %d s, then %d pairs of five %d ms slices (about %d s)%n", WARM_UP_SECONDS,
                pairs, sliceMillis, pairs * 5L * sliceMillis / 1000);
        long warmUpEnd = System.nanoTime() + WARM_UP_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < warmUpEnd) {
            for (Operation operation : List.of(floor, fresh, javaJwt)) {
                opsPerSecond(operation, 200);
            }
        }

        double[] freshToFloor = new double[pairs];
        double[] freshToJavaJwt = new double[pairs];
        double[] floorToFloor = new double[pairs];
        double[] floorScores = new double[pairs];
        double[] freshScores = new double[pairs];
        double[] javaJwtScores = new double[pairs];
        for (int pair = 0; pair < pairs; pair++) {
            // A palindrome: a drift that is steady over the two seconds of a pair cancels out of every ratio.
            double floorBefore = opsPerSecond(floor, sliceMillis);
            double freshBefore = opsPerSecond(fresh, sliceMillis);
            double javaJwtOps = opsPerSecond(javaJwt, sliceMillis);
            double freshAfter = opsPerSecond(fresh, sliceMillis);
            double floorAfter = opsPerSecond(floor, sliceMillis);
            double floorOps = (floorBefore + floorAfter) / 2;
            double freshOps = (freshBefore + freshAfter) / 2;
            freshToFloor[pair] = freshOps / floorOps;
            freshToJavaJwt[pair] = freshOps / javaJwtOps;
            floorToFloor[pair] = floorAfter / floorBefore;
            floorScores[pair] = floorOps;
            freshScores[pair] = freshOps;
            javaJwtScores[pair] = javaJwtOps;
        }

        System.out.printf(Locale.ROOT, "%nmedian ops/s over the pairs: floor %,.0f  guardFresh %,.0f  peerJavaJwt"
                + " %,.0f%n", median(floorScores), median(freshScores), median(javaJwtScores));
        System.out.printf(Locale.ROOT, "%-38s %7s %15s %15s %18s%n", "ratio per pair", "median", "quartiles",
                "range", "pairs meeting goal");
        print("guardFresh ÷ floor (goal ≥ 0.9)", freshToFloor, FLOOR_GOAL);
        print("guardFresh ÷ peerJavaJwt (goal ≥ 1)", freshToJavaJwt, PEER_GOAL);
        // Two single slices, 4 slices apart and not drift-corrected: an upper bound on the goal ratios' noise.
        print(String.format(Locale.ROOT, "floor ÷ floor %.1f s earlier (noise)", 4 * sliceMillis / 1000.0),
                floorToFloor, Double.NaN);
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
        System.out.printf(Locale.ROOT, "%-38s %7.3f %15s %15s %18s%n", label, quantile(sorted, 0.5),
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
