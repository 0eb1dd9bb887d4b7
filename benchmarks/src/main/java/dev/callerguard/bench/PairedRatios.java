package dev.callerguard.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The goals that compare two benchmarks, measured side by side in one JVM: fresh token against the JDK floor,
 * against the faster of java-jwt and Nimbus on the native provider, and against OpenSSL's rate; the forged
 * signature's refusal against the fresh acceptance; the repeated token against the JDK floor. JMH runs each
 * benchmark in its own fork, a minute or more apart, and on a shared VM whose speed drifts by ±10 % from one minute
 * to the next that drift is as large as the goals' margins. Here each pair is a palindrome of short slices (every
 * side, then the same in reverse order): a slow spell slows both sides of a ratio alike, and a drift that is steady
 * over the pair's few seconds cancels out. The floor's second slice against its first shows how much two
 * measurements of the same thing differ on this machine. Same token, key, clock and code as
 * {@link TokenCheckBenchmark}.
 *
 * <p>The JVM has the native provider installed first, as the native peers need (they take the default provider
 * order); the JDK floor names {@code SunRsaSign} and so stays the JDK's. The peers on the JDK's RSA are left out:
 * they would need a second JVM without the native provider, and no goal compares against them (the JMH table shows
 * them). OpenSSL's rate, from {@code openssl speed} run by {@code scripts/bench.sh} just before, is a fixed number
 * each pair's fresh rate is divided by.
 *
 * <p>Run with {@code scripts/bench.sh --paired [pairs] [slice-ms]}; prints each ratio's median, quartiles and
 * range over the pairs, how many pairs meet the goal, and whether the median meets it.
 */
public final class PairedRatios {
    private static final int WARM_UP_SECONDS = 15;

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
        double openssl = Double.NaN;
        int from = 0;
        int pairs;
        int sliceMillis;
        try {
            if (args.length > 1 && args[0].equals("--openssl")) {
                openssl = Double.parseDouble(args[1]);
                from = 2;
            }
            pairs = args.length > from ? Integer.parseInt(args[from]) : 60;
            sliceMillis = args.length > from + 1 ? Integer.parseInt(args[from + 1]) : 250;
        } catch (NumberFormatException e) {
            pairs = 0;
            sliceMillis = 0;
        }
        if (args.length > from + 2 || pairs < 1 || sliceMillis < 50 || sliceMillis > 60_000
                || from == 2 && !(openssl > 0 && Double.isFinite(openssl))) {
            System.err.println("usage: PairedRatios [--openssl <RSA-2048 verify/s>] [pairs >= 1]"
                    + " [slice milliseconds, 50 to 60000]");
            System.exit(2);
        }
        System.out.println(CryptoProviders.versions());
        TokenCheckBenchmark benchmark = new TokenCheckBenchmark();
        benchmark.setUp(CryptoProviders.Order.NATIVE_FIRST);
        System.out.println("the caller check verifies RSA with " + benchmark.guardProvider());
        TokenCheckBenchmark.ReusedSignature reused = new TokenCheckBenchmark.ReusedSignature();
        reused.setUp();
        TokenCheckBenchmark.ReusedNativeSignature reusedNative = new TokenCheckBenchmark.ReusedNativeSignature();
        reusedNative.setUp();
        List<Side> sides = List.of(
                new Side("floor", () -> benchmark.floor(reused)),
                new Side("floorNative", () -> benchmark.floorNative(reusedNative)),
                new Side("guardFresh", benchmark::guardFresh),
                new Side("peerJavaJwtNative", benchmark::peerJavaJwtNative),
                new Side("peerNimbusNative", benchmark::peerNimbusNative),
                new Side("refuseBadSignature", benchmark::refuseBadSignature),
                new Side("guardRepeated", benchmark::guardRepeated),
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
        Map<String, double[]> means = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            double[] mean = new double[pairs];
            for (int pair = 0; pair < pairs; pair++) {
                mean[pair] = (first[i][pair] + second[i][pair]) / 2;
            }
            means.put(sides.get(i).name(), mean);
        }

        System.out.printf("%nmedian ops/s over the pairs:");
        int column = 0;
        for (Map.Entry<String, double[]> side : means.entrySet()) {
            System.out.printf(Locale.ROOT, "%s %s %,.0f", column++ % 3 == 0 ? "\n " : " ", side.getKey(),
                    median(side.getValue()));
        }
        System.out.printf(Locale.ROOT, "%n  OpenSSL RSA-2048 verify %s%n",
                Double.isNaN(openssl) ? "not measured (--no-openssl)" : String.format(Locale.ROOT, "%,.0f/s", openssl));
        System.out.printf(Locale.ROOT, "%n%-50s %7s %15s %15s %18s  %s%n", "ratio per pair", "median", "quartiles",
                "range", "pairs meeting goal", "met");
        double[] fresh = means.get("guardFresh");
        double[] floor = means.get("floor");
        System.out.println("goals:");
        print("guardFresh ÷ floor (goal ≥ 1.5)", ratios(fresh, floor), 1.5);
        if (Double.isNaN(openssl)) {
            System.out.printf("%-50s %s%n", "guardFresh ÷ OpenSSL verify/s (goal ≥ 0.75)",
                    "not measured (--no-openssl)");
        } else {
            print("guardFresh ÷ OpenSSL verify/s (goal ≥ 0.75)", ratios(fresh, constant(openssl, pairs)), 0.75);
        }
        print("guardFresh ÷ faster native peer (goal ≥ 1)", ratios(fresh,
                pairwiseMax(means.get("peerJavaJwtNative"), means.get("peerNimbusNative"))), 1.0);
        print("refuseBadSignature ÷ guardFresh (goal ≥ 1)", ratios(means.get("refuseBadSignature"), fresh), 1.0);
        print("guardRepeated ÷ floor (goal ≥ 20)", ratios(means.get("guardRepeated"), floor), 20.0);
        System.out.println("earlier goals (issue \"Speed\"):");
        print("refuseWrongAudience ÷ guardFresh (goal ≥ 1)", ratios(means.get("refuseWrongAudience"), fresh), 1.0);
        print("refuseCallerNotAllowed ÷ guardFresh (goal ≥ 1)", ratios(means.get("refuseCallerNotAllowed"), fresh),
                1.0);
        System.out.println("no goal:");
        double[] floorNative = means.get("floorNative");
        print("floorNative ÷ floor", ratios(floorNative, floor), Double.NaN);
        if (!Double.isNaN(openssl)) {
            print("floorNative ÷ OpenSSL verify/s", ratios(floorNative, constant(openssl, pairs)), Double.NaN);
        }
        print("guardFresh ÷ floorNative", ratios(fresh, floorNative), Double.NaN);
        print("peerJavaJwtNative ÷ peerNimbusNative", ratios(means.get("peerJavaJwtNative"),
                means.get("peerNimbusNative")), Double.NaN);
        // Two single slices, not drift-corrected: an upper bound on the noise of the ratios above.
        print(String.format(Locale.ROOT, "floor ÷ floor %.1f s earlier (noise)",
                (2 * count - 1) * sliceMillis / 1000.0), ratios(second[0], first[0]), Double.NaN);
    }

    private static double[] constant(double value, int length) {
        double[] values = new double[length];
        Arrays.fill(values, value);
        return values;
    }

    /** The faster side of each pair: a goal against the fastest peer is met only if it is met against each. */
    private static double[] pairwiseMax(double[] one, double[] other) {
        double[] max = new double[one.length];
        for (int k = 0; k < max.length; k++) {
            max[k] = Math.max(one[k], other[k]);
        }
        return max;
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

    /**
     * One line: median, quartiles and range of the ratios, how many are at least {@code goal} (if any), and the
     * verdict on the median, qualified when the quartiles lie on both sides of the goal.
     */
    private static void print(String label, double[] ratios, double goal) {
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        double median = quantile(sorted, 0.5);
        double lower = quantile(sorted, 0.25);
        double upper = quantile(sorted, 0.75);
        String meeting = Double.isNaN(goal) ? "-"
                : Arrays.stream(sorted).filter(ratio -> ratio >= goal).count() + " of " + sorted.length;
        String met;
        if (Double.isNaN(goal)) {
            met = "";
        } else if (median >= goal) {
            met = lower >= goal ? "yes" : "yes, within the quartiles";
        } else {
            met = upper >= goal ? "NO, within the quartiles" : "NO";
        }
        System.out.printf(Locale.ROOT, "%-50s %7.3f %15s %15s %18s  %s%n", label, median,
                String.format(Locale.ROOT, "%.3f–%.3f", lower, upper),
                String.format(Locale.ROOT, "%.3f–%.3f", sorted[0], sorted[sorted.length - 1]), meeting, met);
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
