package dev.callerguard.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Runs one task per thread, all at once, for tests of shared state. */
public final class Concurrently {
    private Concurrently() {
    }

    /** Whether every task returned true; {@code task} makes the task of thread 0, 1, ... {@code threads - 1}. */
    public static boolean allTrue(int threads, IntFunction<Callable<Boolean>> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(task.apply(t)));
            }
            boolean all = true;
            for (Future<Boolean> result : results) {
                all &= result.get(1, TimeUnit.MINUTES);
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }
}
