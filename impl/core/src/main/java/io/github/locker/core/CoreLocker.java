package io.github.locker.core;

import io.github.locker.LeaderLoop;
import io.github.locker.Lock;
import io.github.locker.LockBackendException;
import io.github.locker.LockLost;
import io.github.locker.LockLostException;
import io.github.locker.LockMode;
import io.github.locker.LockNotAcquiredException;
import io.github.locker.LockOptions;
import io.github.locker.LockTimeoutException;
import io.github.locker.Locker;
import io.github.locker.MultiLock;
import io.github.locker.spi.LockEngine;
import io.github.locker.spi.Lease;
import io.github.locker.spi.AcquisitionListener;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link Locker} every driver shares: checks arguments, counts reentrant acquisitions per
 * thread, applies wait time, retry and the backoff through backend failures, hands each single
 * acquisition to the driver's {@link LockEngine}, watches every held lease's end, and runs leader
 * loops on the backend's {@link LeaderLoops}.
 *
 * <p>Acquisition is asynchronous underneath: no thread waits for a lock. The blocking methods wait
 * for that stage (an interrupt cancels it); the asynchronous ones complete their stage on the
 * backend's {@link LockerThreads#callbacks() callback executor}, never on a client's event loop.
 */
final class CoreLocker implements Locker {
    private static final Logger LOG = Logger.getLogger(CoreLocker.class.getName());
    private final String name;
    private final LockOptions defaults;
    private final LockEngine engine;
    private final LockerThreads threads;
    private final Consumer<LockLost> onLost;
    private final LeaderLoops loops;
    private final LockerMetrics metrics;
    /**
     * Locks each thread holds on this locker, by key: the reentrancy count lives here, not on the
     * backend. Concurrent maps, one per thread, so that the thread that closes a lock's last handle
     * (any thread may) takes it out of its acquirer's map; otherwise a lock taken on a pooled thread
     * and released elsewhere would stay there for the thread's life. Only the owner and a releasing
     * thread ever touch one map: no lock shared between threads.
     */
    private final ThreadLocal<Map<String, Holding>> holdingsOfThread = ThreadLocal.withInitial(ConcurrentHashMap::new);

    /**
     * @param name the locker's name, for messages
     * @param defaults the options of calls that give none
     * @param engine the driver's acquisition
     * @param threads the backend's timer and callback executor
     * @param onLost told, on the callback executor, when a held lock's lease is lost
     * @param loops the backend's leader loops, stopped when it closes
     */
    CoreLocker(String name, LockOptions defaults, LockEngine engine, LockerThreads threads,
            Consumer<LockLost> onLost, LeaderLoops loops) {
        this.name = name;
        this.defaults = defaults;
        this.engine = engine;
        this.threads = threads;
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
    public MultiLock lockAll(Collection<String> keys, LockOptions options) {
        List<String> ordered = MultiKeyAcquisition.ordered(keys);
        checkOptions(options);
        return await(String.join(",", ordered), MultiKeyAcquisition.start(this, ordered, options));
    }

    @Override
    public CompletionStage<MultiLock> lockAllAsync(Collection<String> keys, LockOptions options) {
        checkOptions(options);
        CompletableFuture<MultiLock> acquisition = MultiKeyAcquisition.start(this, MultiKeyAcquisition.ordered(keys), options);
        CallerStage<MultiLock> stage = new CallerStage<>();
        stage.whenComplete((held, failure) -> acquisition.cancel(false)); // a no-op once it has ended
        acquisition.whenCompleteAsync((held, failure) -> {
            if (failure != null) {
                stage.fail(BackendReplies.unwrap(failure));
            } else if (!stage.deliver(held)) {
                held.unlockAsync(); // the caller gave up as the last key was taken
            }
        }, threads.callbacks());
        return stage;
    }

    @Override
    public CompletionStage<Lock> lockAsync(String key, LockOptions options) {
        return acquireAsync(key, options, holding -> {
            if (holding == null) {
                throw notAcquired(key, options);
            }
            return new LockHandle(key, holding);
        }, Lock::unlockAsync);
    }

    @Override
    public CompletionStage<Optional<Lock>> tryLockAsync(String key, LockOptions options) {
        return acquireAsync(key, options, holding -> Optional.<Lock>ofNullable(holding == null ? null : new LockHandle(key, holding)),
                held -> held.ifPresent(Lock::unlockAsync));
    }

    @Override
    public <T> CompletionStage<T> callAsync(String key, LockOptions options, Supplier<? extends CompletionStage<T>> action) {
        if (action == null) {
            throw new IllegalArgumentException("action must not be null");
        }
        CompletableFuture<Lock> locking = lockAsync(key, options).toCompletableFuture();
        CallerStage<T> result = new CallerStage<>();
        result.whenComplete((value, failure) -> locking.cancel(false)); // giving up on the call gives up the wait
        locking.whenComplete((lock, notAcquired) -> {
            if (notAcquired != null) {
                result.fail(BackendReplies.unwrap(notAcquired));
            } else if (result.isDone()) {
                lock.unlockAsync();
            } else {
                runHolding(lock, action, result);
            }
        });
        return result;
    }

    /** Runs the action under the held lock and releases it when the action's stage completes, however it does. */
    private <T> void runHolding(Lock lock, Supplier<? extends CompletionStage<T>> action, CallerStage<T> result) {
        CompletionStage<T> work;
        try {
            work = action.get();
            if (work == null) {
                throw new IllegalStateException("The action of callAsync on lock '" + lock.key() + "' returned null "
                        + "instead of a CompletionStage");
            }
        } catch (RuntimeException | Error failure) {
            work = CompletableFuture.failedFuture(failure);
        }
        work.whenComplete((value, failure) -> {
            boolean heldThroughout = lock.isHeld();
            lock.unlockAsync().whenComplete((owned, unlockFailure) -> {
                if (failure != null) {
                    Throwable cause = BackendReplies.unwrap(failure);
                    if (unlockFailure != null) {
                        cause.addSuppressed(unlockFailure);
                    }
                    result.fail(cause);
                } else if (unlockFailure != null) {
                    result.fail(BackendReplies.unwrap(unlockFailure));
                } else if (!heldThroughout || !owned) {
                    result.fail(new LockLostException(lock.key(), lock.fencingToken(), where(lock.key())
                            + " was lost while the action's stage ran: its lease ended, so the action was not exclusive", null));
                } else {
                    result.deliver(value);
                }
            });
        });
    }

    /**
     * Starts a non-reentrant acquisition and hands its outcome to the caller's stage on the callback
     * executor; giving up on that stage cancels the acquisition.
     *
     * @param answer turns the holding (null: not acquired) into the stage's value, or throws the failure
     * @param unwanted releases a value the caller gave up on before it arrived
     */
    private <T> CompletionStage<T> acquireAsync(String key, LockOptions options, Function<Holding, T> answer,
            Consumer<T> unwanted) {
        checkArguments(key, options);
        // started on the locker's thread, not the caller's: an event loop must not even wait for a client's write lock
        CompletableFuture<Holding> acquisition = acquireNew(key, options, released -> { }, () -> { }, threads.callbacks());
        CallerStage<T> stage = new CallerStage<>();
        stage.whenComplete((value, failure) -> acquisition.cancel(false)); // a no-op once it has ended
        acquisition.whenCompleteAsync((holding, failure) -> {
            if (acquisition.isCancelled()) {
                return;
            }
            T value;
            try {
                if (failure != null) {
                    throw failure;
                }
                value = answer.apply(holding);
            } catch (Throwable notAcquired) {
                stage.fail(BackendReplies.unwrap(notAcquired));
                return;
            }
            if (!stage.deliver(value)) {
                unwanted.accept(value);
            }
        }, threads.callbacks());
        return stage;
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
        if (options.mode() == LockMode.SHARED) {
            throw new IllegalArgumentException("A leader loop on '" + key + "' needs an exclusive lock or a permit, "
                    + "not a shared one: shared holders would all lead at once");
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
        Holding holding = await(key, acquireNew(key, options, released -> { }, alsoOnLost, Runnable::run));
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
        if (options.mode() == LockMode.PERMIT) {
            // each call is one more permit, as with Curator's and Redisson's semaphores: never counted as reentrant
            Holding permit = await(key, acquireNew(key, options, released -> { }, () -> { }, Runnable::run));
            return permit == null ? null : new LockHandle(key, permit);
        }
        Map<String, Holding> holdings = holdingsOfThread.get();
        Holding held = holdings.get(key);
        if (held != null) {
            if (held.mode() == LockMode.SHARED && options.mode() == LockMode.EXCLUSIVE && held.isHeld()) {
                throw new IllegalStateException(where(key) + " is held shared by this thread, and a shared holder "
                        + "cannot take it exclusively (waiting for the other shared holders could deadlock with "
                        + "another thread doing the same): unlock the shared lock first, or take it exclusively "
                        + "from the start");
            }
            if (held.enterAgain()) {
                return new LockHandle(key, held); // an exclusive holder asking for shared has more than that already
            }
            holdings.remove(key, held); // lost, or released elsewhere just now
        }
        Holding acquired = await(key, acquireNew(key, options, released -> holdings.remove(key, released),
                () -> { }, Runnable::run));
        if (acquired == null) {
            return null;
        }
        holdings.put(key, acquired);
        return new LockHandle(key, acquired);
    }

    /** The blocking methods' wait: an interrupted caller cancels its acquisition, which cleans up after itself. */
    private <T> T await(String key, CompletableFuture<T> acquisition) {
        try {
            return acquisition.get();
        } catch (InterruptedException interrupted) {
            acquisition.cancel(false);
            Thread.currentThread().interrupt();
            throw new LockNotAcquiredException(key, "Waiting for lock '" + key + "' on locker '" + name
                    + "' was interrupted");
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new LockBackendException(key, where(key) + " could not be acquired: " + cause, cause);
        }
    }

    /** @param startOn where the first attempt is sent from: the blocking methods' own thread, or the locker's */
    private CompletableFuture<Holding> acquireNew(String key, LockOptions options, Consumer<Holding> onReleased,
            Runnable alsoOnLost, Executor startOn) {
        LockerMetrics.Acquisition acquisition = metrics.start();
        AtomicReference<Holding> taken = new AtomicReference<>();
        AcquisitionListener listener = new AcquisitionListener() {
            @Override
            public void leaseLost(Lease lease, String reason, Throwable cause) {
                Holding holding = taken.get();
                if (holding != null) {
                    holding.lost(reason, cause);
                }
            }

            @Override
            public void contended() {
                acquisition.contended();
            }
        };
        Function<Lease, Holding> hold = lease -> {
            Holding holding = new Holding(key, lease, options, acquisition, threads,
                    (lost, reason, cause) -> tellLoss(key, lost, reason, cause, alsoOnLost), onReleased);
            taken.set(holding);
            return holding;
        };
        PendingAcquisition pending = new PendingAcquisition(this, key, options, acquisition, listener, hold);
        startOn.execute(pending::start);
        return pending.result();
    }

    /** On the callback executor: first the holder's own reaction (a leader loop interrupting its body), then the listeners. */
    private void tellLoss(String key, Holding holding, String reason, Throwable cause, Runnable alsoOnLost) {
        Runnable tell = () -> {
            metrics.lost();
            alsoOnLost.run();
            try {
                onLost.accept(new LockLost(name, key, holding.lease().fencingToken(), reason, cause));
            } catch (RuntimeException listenerFailure) {
                LOG.log(Level.WARNING, "A LockLost listener of locker '" + name + "' failed", listenerFailure);
            }
        };
        try {
            threads.callbacks().execute(tell);
        } catch (RejectedExecutionException closed) {
            // the backend closed under a lock still held (an unlock after shutdown): told here, not thrown at the caller
            tell.run();
        }
    }

    LockEngine engine() {
        return engine;
    }

    LockerThreads threads() {
        return threads;
    }

    /** @return where a lock is, for messages: {@code Lock 'k' on locker 'n' (Redis at ...)} */
    String where(String key) {
        return "Lock '" + key + "' on locker '" + name + "' (" + engine.describe() + ")";
    }

    private LockNotAcquiredException notAcquired(String key, LockOptions options) {
        if (PendingAcquisition.waits(options)) {
            Duration waitTime = options.waitTime().orElseThrow();
            return new LockTimeoutException(key, waitTime, where(key) + " was still held by another owner after waiting "
                    + waitTime);
        }
        String attempts = options.retryCount() == 0 ? "one attempt"
                : (1 + options.retryCount()) + " attempts " + options.retryInterval() + " apart";
        return new LockNotAcquiredException(key, where(key) + " is held by another owner (" + attempts + ")");
    }

    private void checkArguments(String key, LockOptions options) {
        Keys.requireValid(key);
        checkOptions(options);
    }

    private void checkOptions(LockOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null (use LockOptions.defaults())");
        }
        if (!engine.supports(options.mode())) {
            throw new UnsupportedOperationException("Locker '" + name + "' (" + engine.describe() + ") cannot take "
                    + options.mode().name().toLowerCase(Locale.ROOT) + " holds: its driver does not support "
                    + "that mode");
        }
    }
}
