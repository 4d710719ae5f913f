package io.github.locker.core;

import io.github.locker.LeaderLoop;
import io.github.locker.Lock;
import io.github.locker.LockNotAcquiredException;
import io.github.locker.LockOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link LeaderLoop} on its own thread: contend, lead (run the body while the lock holds),
 * release, and again, until stopped.
 *
 * <p>Interrupts are how a loss or a stop reaches the thread, so they are aimed: a loss interrupts
 * the thread only while it runs (or pauses between) iterations of the term that was lost, a stop
 * only while it waits, runs or pauses. Between those phases (while releasing, say) the thread is
 * never interrupted, and every phase clears a pending interrupt on leaving, so none leaks into the
 * next phase or into the driver's release.
 */
final class RunningLoop implements LeaderLoop {
    private static final Logger LOG = Logger.getLogger(RunningLoop.class.getName());
    /** The least pause after a failed iteration, so a body that always fails does not flood the log. */
    private static final long FAILURE_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Backing off from an unreachable backend: from this, doubling up to the next. */
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    private enum Phase { IDLE, CONTENDING, LEADING }

    private final CoreLocker locker;
    private final String key;
    private final LockOptions options;
    private final long intervalNanos;
    private final long stepDownNanos;
    private final long watchdogPeriodNanos;
    private final Consumer<Lock> body;
    private final LeaderLoops loops;
    private final Thread thread;
    private final CountDownLatch ended = new CountDownLatch(1);

    private final ReentrantLock phaseGuard = new ReentrantLock();
    /** Guarded by {@link #phaseGuard}. */
    private Phase phase = Phase.IDLE;
    /** The term whose iterations run now; guarded by {@link #phaseGuard}. */
    private Term leadingTerm;

    private volatile boolean stopping;
    private volatile Term current;

    /** One leadership: from the acquisition of the lock to its release. */
    private final class Term {
        /** Guarded by {@link #phaseGuard}: set once the lock is known lost. */
        private boolean lost;
        private volatile LockHandle lock;

        /** Told by the driver (lease lost) or the watchdog (lease about to end without renewal). */
        void lost() {
            phaseGuard.lock();
            try {
                if (!lost) {
                    lost = true;
                    if (phase == Phase.LEADING && leadingTerm == this) {
                        thread.interrupt();
                    }
                }
            } finally {
                phaseGuard.unlock();
            }
        }

        boolean isLeading() {
            LockHandle held = lock;
            return held != null && mayLead(held) && !isLost();
        }

        boolean isLost() {
            phaseGuard.lock();
            try {
                return lost;
            } finally {
                phaseGuard.unlock();
            }
        }
    }

    RunningLoop(CoreLocker locker, String key, LockOptions options, Duration interval, Consumer<Lock> body,
            LeaderLoops loops) {
        this.locker = locker;
        this.key = key;
        // a loop waits for its turn as long as it takes; stop() ends the wait
        this.options = options.waitForever().withRetry(0, Duration.ZERO);
        this.intervalNanos = interval.toNanos();
        this.stepDownNanos = options.leaseTime().toNanos() / 3;
        // a check of a local clock, not of the backend: cheap enough at a twentieth of the lease
        this.watchdogPeriodNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(250),
                Math.max(TimeUnit.MILLISECONDS.toNanos(10), options.leaseTime().toNanos() / 20));
        this.body = body;
        this.loops = loops;
        String name = "locker-loop-" + locker.name() + "-" + key;
        this.thread = new Thread(this::run, name.length() > 100 ? name.substring(0, 100) : name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public boolean isLeader() {
        Term term = current;
        return term != null && term.isLeading();
    }

    @Override
    public boolean isStopped() {
        return ended.getCount() == 0;
    }

    @Override
    public void stop() {
        stopping = true;
        phaseGuard.lock();
        try {
            if (phase != Phase.IDLE) {
                thread.interrupt();
            }
        } finally {
            phaseGuard.unlock();
        }
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString() {
        return "LeaderLoop[" + key + " on locker '" + locker.name() + "', "
                + (isStopped() ? "stopped]" : isLeader() ? "leading]" : "contending]");
    }

    private void run() {
        try {
            long backoffNanos = FIRST_BACKOFF_NANOS;
            boolean unreachable = false;
            while (!stopping) {
                Term term = new Term();
                try {
                    LockHandle lock = contend(term);
                    if (unreachable) {
                        LOG.log(Level.INFO, "Leader loop ''{0}'' reaches {1} again", new Object[] {key, locker});
                        unreachable = false;
                    }
                    backoffNanos = FIRST_BACKOFF_NANOS;
                    if (lock != null) {
                        lead(term, lock);
                    }
                } catch (RuntimeException failure) {
                    // a LockBackendException, or anything else the driver throws: the loop's promise is to try again
                    LOG.log(unreachable ? Level.FINE : Level.WARNING, "Leader loop ''{0}'' cannot reach its backend; "
                            + "trying again: {1}", new Object[] {key, failure.getMessage()});
                    unreachable = true;
                    pause(Phase.CONTENDING, null, backoffNanos);
                    backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
                }
            }
        } finally {
            // An Error (from the body, or the driver) is not ours to handle: the loop has released its lock on
            // the way out (lead's finally) and now ends, and the Error goes on to this thread's uncaught-exception
            // handler, as from any thread's run(), rather than into a log line nobody acts on.
            loops.forget(this);
            ended.countDown();
        }
    }

    /** @return the held lock, or null when the wait was interrupted by {@link #stop()} */
    private LockHandle contend(Term term) {
        if (!enter(Phase.CONTENDING, null)) {
            return null;
        }
        try {
            LockHandle lock = locker.acquireForLoop(key, options, term::lost);
            term.lock = lock;
            return lock;
        } catch (LockNotAcquiredException interrupted) {
            // the only way a wait without a deadline ends without the lock (a backend failure propagates)
            return null;
        } finally {
            leave();
        }
    }

    /**
     * Whether a lock still lets the loop lead: held, with more than a third of its lease left. A
     * leader whose renewals have failed for two thirds of the lease steps down while the lease still
     * holds, so its body is interrupted before another node can take the lock (the same reason
     * Kubernetes' leader election gives up at its renew deadline, before the lease duration).
     */
    private boolean mayLead(LockHandle lock) {
        return lock.isHeld() && lock.expiresAtNanos() - System.nanoTime() >= stepDownNanos;
    }

    private void lead(Term term, LockHandle lock) {
        current = term;
        ScheduledFuture<?> watchdog = null;
        try {
            watchdog = loops.every(watchdogPeriodNanos, () -> {
                if (!mayLead(lock)) {
                    term.lost();
                }
            });
            while (!stopping && mayLead(lock) && !term.isLost()) {
                boolean failed = iterate(term, lock);
                long pauseNanos = failed ? Math.max(intervalNanos, FAILURE_PAUSE_NANOS) : intervalNanos;
                if (pauseNanos > 0) {
                    pause(Phase.LEADING, term, pauseNanos);
                }
            }
        } finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            current = null;
            release(lock);
        }
    }

    /** @return whether the body failed */
    private boolean iterate(Term term, Lock lock) {
        if (!enter(Phase.LEADING, term)) {
            return false;
        }
        try {
            body.accept(lock);
            return false;
        } catch (RuntimeException failure) {
            if (stopping || term.isLost()) {
                // most likely the body's answer to our interrupt
                LOG.log(Level.FINE, "Leader loop '" + key + "': the body ended with an exception after the loop was "
                        + "stopped or lost its lock", failure);
            } else {
                LOG.log(Level.WARNING, "Leader loop '" + key + "' on " + locker + ": the body failed; the next "
                        + "iteration follows in " + Duration.ofNanos(Math.max(intervalNanos, FAILURE_PAUSE_NANOS)), failure);
            }
            return true;
        } finally {
            leave();
        }
    }

    private void pause(Phase during, Term term, long nanos) {
        if (!enter(during, term)) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException stoppedOrLost) {
            // the loop looks at why before going on
        } finally {
            leave();
        }
    }

    private void release(Lock lock) {
        try {
            if (!lock.unlock()) {
                LOG.log(Level.FINE, "Leader loop ''{0}'': the lock had already been lost when released", key);
            }
        } catch (RuntimeException unreachable) {
            LOG.log(Level.WARNING, "Leader loop ''{0}'' could not release its lock; it ends with its lease: {1}",
                    new Object[] {key, unreachable.getMessage()});
        }
    }

    /**
     * Enters an interruptible phase.
     *
     * @return false, leaving the phase IDLE, when the loop is stopping or the term is lost already
     */
    private boolean enter(Phase next, Term term) {
        phaseGuard.lock();
        try {
            if (stopping || (term != null && term.lost)) {
                return false;
            }
            phase = next;
            leadingTerm = term;
            return true;
        } finally {
            phaseGuard.unlock();
        }
    }

    /** Leaves an interruptible phase, dropping an interrupt aimed at it. */
    private void leave() {
        phaseGuard.lock();
        try {
            phase = Phase.IDLE;
            leadingTerm = null;
            Thread.interrupted();
        } finally {
            phaseGuard.unlock();
        }
    }
}
