package io.github.locker.core;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The leader loops running on one backend connection: one watchdog thread (started on first use)
 * that checks the leases of the loops that lead, and {@link #stopAll()}, which a backend calls
 * first thing in its {@code close()}, while its connection can still release the loops' locks.
 * Thread-safe.
 */
final class LeaderLoops {
    private static final Logger LOG = Logger.getLogger(LeaderLoops.class.getName());
    /** How long closing a backend waits for its loops' bodies to return and their locks to be released. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Set<RunningLoop> running = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor watchdog;
    private volatile boolean closed;

    /** Makes the registry of one backend; no thread runs until a loop leads. */
    LeaderLoops() {
        watchdog = new ScheduledThreadPoolExecutor(1, BackendReplies.daemonThreads("locker-loop-watchdog"));
        watchdog.setRemoveOnCancelPolicy(true);
    }

    /** Registers and starts a loop; one started while the backend closes is stopped at once. */
    RunningLoop start(RunningLoop loop) {
        running.add(loop);
        loop.start();
        if (closed) {
            loop.stop();
        }
        return loop;
    }

    void forget(RunningLoop loop) {
        running.remove(loop);
    }

    /** Runs {@code check} every {@code periodNanos} until the returned future is cancelled. */
    ScheduledFuture<?> every(long periodNanos, Runnable check) {
        return watchdog.scheduleWithFixedDelay(check, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Stops every loop and waits, up to five seconds in all, for their bodies to return and their
     * locks to be released; a body still running then is left to end its lease. Called by a backend
     * before it disconnects.
     */
    void stopAll() {
        closed = true;
        List<RunningLoop> loops = List.copyOf(running);
        loops.forEach(RunningLoop::stop);
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        try {
            for (RunningLoop loop : loops) {
                if (!loop.awaitStopped(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    LOG.log(Level.WARNING, "Leader loop ''{0}'' did not end within {1} of the backend closing: its body "
                            + "ignores interrupts; its lock ends with its lease", new Object[] {loop.key(), STOP_TIMEOUT});
                }
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } finally {
            watchdog.shutdownNow();
        }
    }
}
