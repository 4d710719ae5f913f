package io.github.locker.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool of a benchmark's own threads, all started when it is made. Blocking calls of many
 * locks (10,000 etcd calls one by one take too long) run on it; and a benchmark that counts the
 * JVM's live threads counts these in its baseline, so that what it sees added is the library's.
 */
final class BenchmarkThreads implements AutoCloseable {
    /** How long {@link #callAll} may take: a broken lock fails the run instead of hanging it. */
    private static final Duration CALLS_BOUND = Duration.ofMinutes(2);

    private final ThreadPoolExecutor pool;

    /**
     * @param name what the threads are called, numbered
     * @param threads how many
     */
    BenchmarkThreads(String name, int threads) {
        AtomicInteger number = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, name + "-" + number.incrementAndGet());
            thread.setDaemon(true); // a failed run must not be kept alive by its helpers
            return thread;
        });
        pool.prestartAllCoreThreads();
    }

    /** @return the pool, for work handed to it one task at a time */
    Executor executor() {
        return pool;
    }

    /**
     * @param calls what to call, spread over the threads
     * @param <T> what a call returns
     * @return their results, in the order of {@code calls}
     * @throws Exception the first call's failure, or a cancellation when they took longer than two minutes
     */
    <T> List<T> callAll(List<Callable<T>> calls) throws Exception {
        List<T> results = new ArrayList<>();
        for (Future<T> result : pool.invokeAll(calls, CALLS_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            results.add(result.get());
        }
        return results;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
