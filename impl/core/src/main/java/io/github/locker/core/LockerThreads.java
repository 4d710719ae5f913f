package io.github.locker.core;

import io.github.locker.LockBackendException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads of one backend connection, and all it needs: one timer thread that wakes waiters at
 * their holder's lease end, retries after a backend failure and tells lost leases; and the
 * executor on which callers' stages complete and loss listeners run, so no user code ever runs on
 * a Netty, gRPC or Vert.x event-loop thread. Nothing here parks a thread per waiting acquisition.
 *
 * <p>The executor uses a virtual thread per task on a JVM that has them (Java 21+); elsewhere a
 * small pool of daemon threads (at least four, twice the cores), started with the backend.
 */
final class LockerThreads implements AutoCloseable {
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService callbacks;
    private static final long SWEEP_MILLIS = 100;
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
    /** Watches too far ahead to schedule at once, for the next sweep. */
    private final Queue<Watch> farWatches = new ConcurrentLinkedQueue<>();
    /** Acquisitions still going on, failed at close: their timers and wake-ups end with the threads. */
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();

    /** @param name the threads' name prefix, e.g. {@code locker-redis} */
    LockerThreads(String name) {
        timer = new ScheduledThreadPoolExecutor(1, BackendReplies.daemonThreads(name + "-timer"));
        timer.setRemoveOnCancelPolicy(true);
        callbacks = callbackExecutor(name + "-callbacks");
        timer.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@code task} after {@code delayNanos} on the timer thread; the task must not block.
     *
     * @param delayNanos from now; zero or less runs it at once (still on the timer thread)
     * @param task what to run
     * @return the scheduled task, to cancel
     * @throws LockBackendException once the backend is closed
     */
    public ScheduledFuture<?> schedule(long delayNanos, Runnable task) {
        try {
            return timer.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException rejected) {
            throw closed(rejected);
        }
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return timer.isShutdown();
    }

    /**
     * Runs {@code task} at {@code atNanos} on the monotonic clock, for a watch that is usually
     * cancelled long before (a lease's end). A far watch is only queued now, without waking the
     * timer thread, and scheduled precisely by a sweep every {@value #SWEEP_MILLIS} ms: a lock held
     * for a few hundred microseconds costs no timer wake-up.
     *
     * @param atNanos when, on {@link System#nanoTime()}
     * @param task what to run; it must not block
     * @return the watch, to cancel
     * @throws LockBackendException once the backend is closed
     */
    public Watch watch(long atNanos, Runnable task) {
        Watch watch = new Watch(atNanos, task);
        if (atNanos - System.nanoTime() < 2 * SWEEP_NANOS) {
            watch.scheduleOn(this);
        } else {
            farWatches.add(watch);
        }
        return watch;
    }

    /** A task at a point in time, scheduled now or by the next sweep; cancelling it is cheap. */
    public static final class Watch {
        private final long atNanos;
        private final Runnable task;
        private volatile boolean cancelled;
        private volatile ScheduledFuture<?> scheduled;

        private Watch(long atNanos, Runnable task) {
            this.atNanos = atNanos;
            this.task = task;
        }

        private void scheduleOn(LockerThreads threads) {
            if (!cancelled) {
                scheduled = threads.schedule(atNanos - System.nanoTime(), task);
                if (cancelled) {
                    scheduled.cancel(false);
                }
            }
        }

        /** Stops the watch; a no-op once it ran. */
        public void cancel() {
            cancelled = true;
            ScheduledFuture<?> timer = scheduled;
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    private void sweep() {
        for (Watch watch = farWatches.poll(); watch != null; watch = farWatches.poll()) {
            watch.scheduleOn(this);
        }
    }

    /** @return where callers' stages complete and listeners run: never an event-loop thread */
    public Executor callbacks() {
        return callbacks;
    }

    /**
     * Keeps an acquisition until it ends, so that closing fails it rather than leave it waiting
     * for a timer or a message that will never come.
     *
     * @param acquisition an acquisition's result
     */
    public void track(CompletableFuture<?> acquisition) {
        pending.add(acquisition);
        acquisition.whenComplete((result, failure) -> pending.remove(acquisition));
        if (isClosed()) {
            acquisition.completeExceptionally(closed(null));
        }
    }

    /** Stops both; scheduled tasks that have not run are dropped, acquisitions still going on fail. */
    @Override
    public void close() {
        timer.shutdownNow();
        callbacks.shutdown();
        pending.forEach(acquisition -> acquisition.completeExceptionally(closed(null)));
    }

    private static LockBackendException closed(Throwable cause) {
        return new LockBackendException(null, "The backend connection is closed", cause);
    }

    /**
     * Java 21's virtual threads, found without compiling against Java 21 (the library's release is
     * 17): a lookup of one public static method, done once per backend.
     */
    private static ExecutorService callbackExecutor(String name) {
        MethodHandle virtualThreads;
        try {
            virtualThreads = MethodHandles.publicLookup().findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
                    MethodType.methodType(ExecutorService.class));
        } catch (ReflectiveOperationException beforeJava21) {
            // Handing a task over must not block an event loop that does it: the threads are started
            // now and kept (no worker is added under the pool's lock later), and the queue is lock-free.
            int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                    new LinkedTransferQueue<>(), BackendReplies.daemonThreads(name));
            pool.prestartAllCoreThreads();
            return pool;
        }
        try {
            return (ExecutorService) virtualThreads.invoke();
        } catch (Throwable impossible) {
            throw new IllegalStateException("Executors.newVirtualThreadPerTaskExecutor failed", impossible);
        }
    }
}
