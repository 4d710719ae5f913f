package io.github.locker.tck;

import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The measurements the TCK's in-process cases share: contention on one key, and a waiter's wake-up after a release. */
public final class Contention {
    /** The holder's lease in {@link #wakeUpAfterRelease}: a waiter woken by its end instead of the release shows. */
    public static final Duration WAKE_UP_LEASE = Duration.ofSeconds(30);

    private Contention() {
    }

    /**
     * What a contention run saw.
     *
     * @param mostHoldersAtOnce the most threads inside the critical section at once: 1 when exclusion held
     * @param increments the non-atomic counter's final value: the number of sections when no update was lost
     * @param tokensInOrder the fencing tokens in the order the sections ran
     * @param millis how long the run took
     */
    public record Result(int mostHoldersAtOnce, int increments, List<Long> tokensInOrder, long millis) {
    }

    /**
     * Every locker's threads take the lock {@code iterations} times each and update a plain counter
     * inside, recording the token.
     *
     * @param lockers the nodes
     * @param threadsPerLocker threads per node
     * @param iterations acquisitions per thread
     * @param key the one key
     * @param threads where the threads run
     * @param timeout how long the whole run may take
     * @return what it saw
     */
    public static Result run(List<Locker> lockers, int threadsPerLocker, int iterations, String key, ExecutorService threads,
            Duration timeout) throws Exception {
        AtomicInteger holdersNow = new AtomicInteger();
        AtomicInteger mostHoldersAtOnce = new AtomicInteger();
        int[] counter = {0};
        List<Long> tokensInOrder = new ArrayList<>();
        List<Future<?>> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (Locker locker : lockers) {
            for (int t = 0; t < threadsPerLocker; t++) {
                workers.add(threads.submit(() -> {
                    for (int i = 0; i < iterations; i++) {
                        try (Lock lock = locker.lock(key)) {
                            mostHoldersAtOnce.accumulateAndGet(holdersNow.incrementAndGet(), Math::max);
                            int read = counter[0];
                            Thread.yield();
                            counter[0] = read + 1;
                            tokensInOrder.add(lock.fencingToken());
                            holdersNow.decrementAndGet();
                        }
                    }
                    return null;
                }));
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<?> worker : workers) {
            worker.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        return new Result(mostHoldersAtOnce.get(), counter[0], tokensInOrder,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /**
     * @param first one node's locker
     * @param second another node's locker
     * @param key the key both take
     * @param rounds how many acquisitions, the two lockers taking turns
     * @return the fencing token of each acquisition, in the order they were taken
     */
    public static List<Long> tokensTakenInTurn(Locker first, Locker second, String key, int rounds) {
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            try (Lock lock = (i % 2 == 0 ? first : second).lock(key)) {
                tokens.add(lock.fencingToken());
            }
        }
        return tokens;
    }

    /**
     * The holder takes the key with a long lease, a waiter on another node blocks on it, the holder
     * releases: how long until the waiter held it.
     *
     * @param holder the holding node
     * @param waiter the waiting node
     * @param key the key
     * @param threads where the waiter waits
     * @return milliseconds from the release to the waiter's acquisition
     */
    public static long wakeUpAfterRelease(Locker holder, Locker waiter, String key, ExecutorService threads) throws Exception {
        Lock held = holder.lock(key, LockOptions.defaults().withLeaseTime(WAKE_UP_LEASE));
        CountDownLatch waiting = new CountDownLatch(1);
        Future<Long> acquiredAt = threads.submit(() -> {
            waiting.countDown();
            try (Lock lock = waiter.lock(key, LockOptions.defaults().withWaitTime(Duration.ofSeconds(20)))) {
                return System.nanoTime();
            }
        });
        waiting.await();
        Thread.sleep(300); // let the waiter block: nothing observable says it has
        long releasedAt = System.nanoTime();
        if (!held.unlock()) {
            throw new AssertionError("the holder no longer held " + key + " when it released it");
        }
        return TimeUnit.NANOSECONDS.toMillis(acquiredAt.get(20, TimeUnit.SECONDS) - releasedAt);
    }
}
