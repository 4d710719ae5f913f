package io.github.locker.core;

import io.github.locker.LeaderLoop;
import io.github.locker.Lock;
import io.github.locker.LockLost;
import io.github.locker.LockNotAcquiredException;
import io.github.locker.LockOptions;
import io.github.locker.LockTimeoutException;
import io.github.locker.Locker;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link Locker} every driver shares: checks arguments, counts reentrant acquisitions per
 * thread, applies wait time and retry, hands the single acquisition to the driver's
 * {@link LockEngine}, and runs leader loops on the backend's {@link LeaderLoops}.
 */
public final class CoreLocker implements Locker {
    private static final Logger LOG = Logger.getLogger(CoreLocker.class.getName());
    private final String name;
    private final LockOptions defaults;
    private final LockEngine engine;
    private final Executor asyncExecutor;
    private final Consumer<LockLost> onLost;
    private final LeaderLoops loops;
    private final LockerMetrics metrics;
    /** Locks this thread holds on this locker, by key: the reentrancy count lives here, not on the backend. */
    private final ThreadLocal<Map<String, Holding>> holdingsOfThread = ThreadLocal.withInitial(HashMap::new);

    /**
     * @param name the locker's name, for messages
     * @param defaults the options of calls that give none
     * @param engine the driver's acquisition
     * @param asyncExecutor where {@link #lockAsync} waits
     * @param onLost told when a held lock's lease is lost
     * @param loops the backend's leader loops, stopped when it closes
     */
    public CoreLocker(String name, LockOptions defaults, LockEngine engine, Executor asyncExecutor,
            Consumer<LockLost> onLost, LeaderLoops loops) {
        this.name = name;
        this.defaults = defaults;
        this.engine = engine;
        this.asyncExecutor = asyncExecutor;
        this.onLost = onLost;
        this.loops = loops;
        this.metrics = LockerMetrics.forLocker(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LockOptions defaultOptions() {
        return defaults;
    }

    @Override
    public Lock lock(String key, LockOptions options) {
        Lock lock = acquireReentrant(key, options);
        if (lock == null) {
            throw notAcquired(key, options);
        }
        return lock;
    }

    @Override
    public Optional<Lock> tryLock(String key, LockOptions options) {
        return Optional.ofNullable(acquireReentrant(key, options));
    }

    @Override
    public CompletionStage<Lock> lockAsync(String key, LockOptions options) {
        checkArguments(key, options);
        return CompletableFuture.supplyAsync(() -> {
            Holding holding = acquireNew(key, options, released -> { }, () -> { });
            if (holding == null) {
                throw notAcquired(key, options);
            }
            return new LockHandle(key, holding);
        }, asyncExecutor);
    }

    @Override
    public LeaderLoop runLoop(String key, LockOptions options, Duration interval, Consumer<Lock> body) {
        checkArguments(key, options);
        if (interval == null || interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be null or negative, was " + interval);
        }
        if (body == null) {
            throw new IllegalArgumentException("body must not be null");
        }
        return loops.start(new RunningLoop(this, key, options, interval, body, loops));
    }

    /**
     * One acquisition for a leader loop: never counted as reentrant (the loop's lock belongs to no
     * call chain), and its loss told to {@code alsoOnLost} as well as to the locker's listener.
     *
     * @throws LockNotAcquiredException when not acquired within the options' wait (or interrupted)
     */
    LockHandle acquireForLoop(String key, LockOptions options, Runnable alsoOnLost) {
        Holding holding = acquireNew(key, options, released -> { }, alsoOnLost);
        if (holding == null) {
            throw notAcquired(key, options);
        }
        return new LockHandle(key, holding);
    }

    @Override
    public String toString() {
        return "Locker[" + name + " on " + engine.describe() + "]";
    }

    private Lock acquireReentrant(String key, LockOptions options) {
        checkArguments(key, options);
        Map<String, Holding> holdings = holdingsOfThread.get();
        Holding held = holdings.get(key);
        if (held != null) {
            if (held.enterAgain()) {
                return new LockHandle(key, held);
            }
            holdings.remove(key);
        }
        Thread acquirer = Thread.currentThread();
        Holding acquired = acquireNew(key, options, released -> {
            // Another thread may close the last handle; only the acquiring thread may touch its own map.
            if (Thread.currentThread() == acquirer) {
                holdings.remove(key, released);
            }
        }, () -> { });
        if (acquired == null) {
            return null;
        }
        holdings.put(key, acquired);
        return new LockHandle(key, acquired);
    }

    private Holding acquireNew(String key, LockOptions options, Consumer<Holding> onReleased, Runnable alsoOnLost) {
        Deadline deadline = options.waitTime().map(Deadline::after).orElse(Deadline.forever());
        LockerMetrics.Acquisition acquisition = metrics.start();
        AcquisitionListener listener = listenerFor(key, acquisition, alsoOnLost);
        Lease lease;
        try {
            lease = options.retryCount() == 0
                    ? engine.acquire(key, options, deadline, listener)
                    : acquireWithRetries(key, options, deadline, listener);
        } catch (InterruptedException interrupted) {
            acquisition.ended(LockerMetrics.Outcome.INTERRUPTED);
            Thread.currentThread().interrupt();
            throw new LockNotAcquiredException(key, "Waiting for lock '" + key + "' on locker '" + name
                    + "' was interrupted");
        } catch (RuntimeException failed) {
            // a LockBackendException, or a driver's own failure: either way no lock and no answer
            acquisition.ended(LockerMetrics.Outcome.ERROR);
            throw failed;
        }
        if (lease == null) {
            acquisition.ended(waits(options) ? LockerMetrics.Outcome.TIMEOUT : LockerMetrics.Outcome.BUSY);
            return null;
        }
        acquisition.ended(LockerMetrics.Outcome.ACQUIRED);
        return new Holding(lease, acquisition, onReleased);
    }

    private Lease acquireWithRetries(String key, LockOptions options, Deadline deadline, AcquisitionListener listener)
            throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            Lease lease = engine.acquire(key, options, Deadline.now(), listener);
            if (lease != null || attempt == options.retryCount() || deadline.hasPassed()) {
                return lease;
            }
            listener.contended();
            Duration pause = deadline.remainingAtMost(options.retryInterval());
            TimeUnit.NANOSECONDS.sleep(pause.toNanos());
        }
    }

    private AcquisitionListener listenerFor(String key, LockerMetrics.Acquisition acquisition, Runnable alsoOnLost) {
        return new AcquisitionListener() {
            @Override
            public void leaseLost(Lease lease, String reason, Throwable cause) {
                acquisition.released();
                metrics.lost();
                // first the holder's own reaction (a leader loop interrupting its body), then the listeners
                alsoOnLost.run();
                try {
                    onLost.accept(new LockLost(name, key, lease.fencingToken(), reason, cause));
                } catch (RuntimeException listenerFailure) {
                    // a listener's failure must not stop the driver's thread that reported the loss
                    LOG.log(Level.WARNING, "A LockLost listener of locker '" + name + "' failed", listenerFailure);
                }
            }

            @Override
            public void contended() {
                acquisition.contended();
            }
        };
    }

    private LockNotAcquiredException notAcquired(String key, LockOptions options) {
        String where = "Lock '" + key + "' on locker '" + name + "' (" + engine.describe() + ")";
        if (waits(options)) {
            Duration waitTime = options.waitTime().orElseThrow();
            return new LockTimeoutException(key, waitTime, where + " was still held by another owner after waiting "
                    + waitTime);
        }
        String attempts = options.retryCount() == 0 ? "one attempt"
                : (1 + options.retryCount()) + " attempts " + options.retryInterval() + " apart";
        return new LockNotAcquiredException(key, where + " is held by another owner (" + attempts + ")");
    }

    /**
     * @return whether a call with these options that did not get the lock gave up a wait (a timeout),
     *     rather than making its attempts (one, or its retries) and finding the lock held
     */
    private static boolean waits(LockOptions options) {
        return options.waitTime().map(wait -> !wait.isZero()).orElse(false);
    }

    private static void checkArguments(String key, LockOptions options) {
        Keys.requireValid(key);
        if (options == null) {
            throw new IllegalArgumentException("options must not be null (use LockOptions.defaults())");
        }
    }
}
