package io.github.locker.tck.leader;

import io.github.locker.Lock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What the bodies of the leader loops under test did: each iteration's node, fencing token, start
 * and end on the monotonic clock, and whether it was interrupted; and the most iterations that ever
 * ran at the same moment, across every node of the test (they share this JVM).
 */
public final class Iterations {
    /**
     * One run of a body.
     *
     * @param node the node it ran on
     * @param token the fencing token of the lock it ran under
     * @param startNanos when it started, on the monotonic clock
     * @param endNanos when it ended
     * @param interrupted whether it was interrupted (stop or lost lease)
     */
    public record Iteration(String node, long token, long startNanos, long endNanos, boolean interrupted) {
    }

    private final List<Iteration> done = new CopyOnWriteArrayList<>();
    private final Map<String, Long> firstStartByNode = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> startedTokensByNode = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();

    /**
     * @param node the node the body runs on
     * @param work how long each iteration works (sleeping, so an interrupt ends it early)
     * @return a body that records every iteration
     */
    public Consumer<Lock> body(String node, Duration work) {
        return lock -> {
            long start = System.nanoTime();
            firstStartByNode.putIfAbsent(node, start);
            startedTokensByNode.computeIfAbsent(node, any -> new CopyOnWriteArrayList<>()).add(lock.fencingToken());
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            boolean interrupted = false;
            try {
                Thread.sleep(work.toMillis());
            } catch (InterruptedException stopOrLoss) {
                interrupted = true;
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
                done.add(new Iteration(node, lock.fencingToken(), start, System.nanoTime(), interrupted));
            }
        };
    }

    /** @return the finished iterations of {@code node}, in the order they ended */
    public List<Iteration> of(String node) {
        return done.stream().filter(iteration -> iteration.node().equals(node)).toList();
    }

    /** @return how many iterations of {@code node} have finished */
    public int count(String node) {
        return of(node).size();
    }

    /** @return when the first iteration of {@code node} started, on the monotonic clock; null if none has */
    public Long firstStart(String node) {
        return firstStartByNode.get(node);
    }

    /** @return the fencing tokens of the iterations of {@code node} that have started, in order */
    public List<Long> startedTokens(String node) {
        return startedTokensByNode.getOrDefault(node, List.of());
    }

    /** @return the most iterations that ran at the same moment */
    public int mostAtOnce() {
        return mostAtOnce.get();
    }
}
