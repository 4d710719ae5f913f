package io.github.locker.etcd;

import io.github.locker.LockBackendException;
import io.github.locker.core.DriverRuntime;
import java.time.Duration;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The time bounds of etcd's replies, checked by one sweep every {@value #SWEEP_MILLIS} ms on the
 * runtime's timer thread, instead of a timer per request ({@code orTimeout} schedules one and
 * cancels it on the answer, waking the JDK's delay thread twice a request). A reply almost always
 * arrives long before its bound (seconds), so a bound costs one queue entry; a silent backend is
 * told at most {@value #SWEEP_MILLIS} ms after the bound.
 */
final class ReplyDeadlines {
    static final long SWEEP_MILLIS = 100;

    private record Bound(CompletableFuture<?> reply, long atNanos, Supplier<LockBackendException> failure) {
    }

    private final DriverRuntime runtime;
    private final Queue<Bound> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    ReplyDeadlines(DriverRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Fails {@code reply} with the failure {@code failure} makes (its cause a {@link TimeoutException})
     * if it is still pending {@code timeout} from now.
     */
    void bound(CompletableFuture<?> reply, Duration timeout, Supplier<LockBackendException> failure) {
        pending.add(new Bound(reply, System.nanoTime() + timeout.toNanos(), failure));
        if (!sweeping.get() && sweeping.compareAndSet(false, true)) {
            nextSweep();
        }
    }

    private void nextSweep() {
        try {
            runtime.schedule(Duration.ofMillis(SWEEP_MILLIS), this::sweep);
        } catch (LockBackendException closed) {
            // the runtime fails what is still pending as it closes
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Iterator<Bound> bounds = pending.iterator(); bounds.hasNext();) {
            Bound bound = bounds.next();
            if (bound.reply().isDone()) {
                bounds.remove();
            } else if (now - bound.atNanos() >= 0) {
                bounds.remove();
                bound.reply().completeExceptionally(bound.failure().get());
            }
        }
        nextSweep();
    }

    /** @return the failure of a reply not given within {@code timeout}, in the words every driver uses */
    static LockBackendException silent(String backend, Duration timeout, String key, String doing) {
        String what = doing + (key == null ? "" : " '" + key + "'");
        return new LockBackendException(key, backend + " did not answer within " + timeout + " while " + what,
                new TimeoutException("no answer within " + timeout.toNanos() / TimeUnit.MILLISECONDS.toNanos(1) + " ms"));
    }
}
