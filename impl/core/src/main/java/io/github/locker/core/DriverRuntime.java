package io.github.locker.core;

import io.github.locker.LockLost;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.spi.LockEngine;
import io.github.locker.spi.LockerBackend;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * What the core gives one backend connection of a driver, and the factory of its lockers: a driver
 * writes a {@link LockEngine} (one acquisition, on the asynchronous contract) and its
 * {@link io.github.locker.spi.Lease}, and {@link #locker} turns them into a {@link Locker} with
 * reentrancy, wait time, retry through transient failures, the loss watch at every lease's end,
 * leader loops and metrics. Thread-safe.
 *
 * <p>One runtime per {@link LockerBackend}: it owns one timer thread and the callback executor of
 * that connection (virtual threads on Java 21+, a small daemon pool on 17). Application code (loss
 * listeners, the stages of the asynchronous API) runs only there, never on a client's event loop.
 *
 * <p>Closing is two steps, so the leader loops' locks can still be released on the connection:
 * a backend's {@link LockerBackend#close()} calls {@link #stopLoops()} first, then releases what
 * it holds, then calls {@link #close()} before it disconnects.
 */
public final class DriverRuntime implements AutoCloseable {
    private final LockerThreads threads;
    private final LeaderLoops loops = new LeaderLoops();

    /** @param name the prefix of its threads' names, e.g. {@code locker-redis} */
    public DriverRuntime(String name) {
        this.threads = new LockerThreads(name);
    }

    /**
     * A locker on the driver's engine. Its {@link Locker#lock}, {@link Locker#tryLock} and
     * {@link Locker#lockAsync} call {@link LockEngine#acquire} once per attempt; its handles release
     * through {@link io.github.locker.spi.Lease#release()}.
     *
     * @param name the locker's name, for messages and meters
     * @param defaults the options of calls that give none
     * @param engine the driver's acquisition, already bound to the locker's key prefix
     * @param onLost told, on the callback executor, when a held lock's lease is lost: at the lease's
     *     local end at the latest, whatever the engine reports
     * @return the locker
     */
    public Locker locker(String name, LockOptions defaults, LockEngine engine, Consumer<LockLost> onLost) {
        return new CoreLocker(name, defaults, engine, threads, onLost, loops);
    }

    /** @return where an engine hands work that must not run on its client's event loop; never blocks the caller */
    public Executor callbacks() {
        return threads.callbacks();
    }

    /**
     * Runs {@code task} after {@code delay} on the runtime's timer thread; the task must not block.
     *
     * @param delay from now; zero or less runs it at once (still on the timer thread)
     * @param task what to run
     * @return the scheduled task, to cancel
     * @throws io.github.locker.LockBackendException once the runtime is closed
     */
    public ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        return threads.schedule(delay.toNanos(), task);
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return threads.isClosed();
    }

    /**
     * Stops every leader loop of the backend's lockers and waits, up to five seconds, for their
     * bodies to return and their locks to be released. The first step of a backend's close.
     */
    public void stopLoops() {
        loops.stopAll();
    }

    /**
     * Stops the loops if {@link #stopLoops()} was not called, then the timer and the callback
     * executor: timers not yet run are dropped, acquisitions still waiting fail with
     * {@link io.github.locker.LockBackendException}.
     */
    @Override
    public void close() {
        loops.stopAll();
        threads.close();
    }
}
