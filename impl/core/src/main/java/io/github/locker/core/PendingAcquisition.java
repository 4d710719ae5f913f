package io.github.locker.core;

import io.github.locker.LockBackendException;
import io.github.locker.LockOptions;
import io.github.locker.spi.Lease;
import io.github.locker.spi.AcquisitionListener;
import io.github.locker.spi.Deadline;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One acquisition call in progress, without a thread: the driver's attempt, then, as the options
 * say, the retries after a busy answer and the bounded backoff after a backend failure, each on a
 * timer, until it has the lock, gives up, or its caller gives up on {@link #result()}.
 *
 * <p>A backend failure inside a finite wait is waited through: retried from 50 ms, doubling to 1 s,
 * until the wait ends; then the call fails with a {@link LockBackendException} whose cause is the
 * last failure. Without a wait time it is retried for as long as the backend's timeout. A single
 * attempt (wait time zero, no retry) fails at once.
 */
final class PendingAcquisition {
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final CoreLocker locker;
    private final String key;
    private final LockOptions options;
    private final Deadline deadline;
    private final LockerMetrics.Acquisition acquisition;
    private final AcquisitionListener listener;
    private final Function<Lease, Holding> hold;
    private final CompletableFuture<Holding> result = new CompletableFuture<>();
    private final AtomicBoolean outcomeTold = new AtomicBoolean();
    /** The driver's attempt or the timer before the next one: what giving up must stop. */
    private volatile Future<?> inProgress = CompletableFuture.completedFuture(null);
    // Touched by one attempt's continuation at a time: attempts never overlap.
    private int retriesMade;
    private long failingSinceNanos;
    private long backoffNanos;
    private boolean failing;

    PendingAcquisition(CoreLocker locker, String key, LockOptions options, LockerMetrics.Acquisition acquisition,
            AcquisitionListener listener, Function<Lease, Holding> hold) {
        this.locker = locker;
        this.key = key;
        this.options = options;
        this.deadline = options.waitTime().map(Deadline::after).orElse(Deadline.forever());
        this.acquisition = acquisition;
        this.listener = listener;
        this.hold = hold;
        result.whenComplete((holding, failure) -> {
            if (failure != null) {
                inProgress.cancel(false); // given up, or the backend closed: a no-op once the attempt ended
            }
            if (result.isCancelled()) {
                ended(LockerMetrics.Outcome.INTERRUPTED);
            }
        });
        locker.threads().track(result);
    }

    /**
     * @return completes with the holding, with null when another owner held the lock for as long as
     *     the options allow, or fails with the backend's failure; cancel it to give up
     */
    CompletableFuture<Holding> result() {
        return result;
    }

    /** Makes the first attempt, unless the caller gave up already. */
    void start() {
        attempt();
    }

    private void attempt() {
        if (result.isDone()) {
            return;
        }
        // with retry, each attempt is a single one and the pauses between them are ours
        Deadline attemptDeadline = options.retryCount() == 0 ? deadline : Deadline.now();
        CompletableFuture<Lease> attempt;
        try {
            attempt = locker.engine().acquire(key, options, attemptDeadline, listener);
        } catch (RuntimeException driverFailure) {
            attempt = CompletableFuture.failedFuture(driverFailure);
        }
        inProgress = attempt;
        if (result.isDone()) {
            attempt.cancel(false); // the caller gave up while the attempt started
        }
        attempt.whenComplete(this::attempted);
    }

    private void attempted(Lease lease, Throwable failure) {
        if (failure != null) {
            failed(BackendReplies.unwrap(failure));
            return;
        }
        failing = false;
        if (lease != null) {
            Holding holding = hold.apply(lease);
            // told before the caller wakes, so what it reads next (the held-locks gauge) includes it
            ended(LockerMetrics.Outcome.ACQUIRED);
            if (!result.complete(holding)) {
                holding.abandon(); // won the race after the caller gave up
            }
            return;
        }
        if (retriesMade < options.retryCount() && !deadline.hasPassed()) {
            retriesMade++;
            listener.contended();
            later(deadline.remainingAtMost(options.retryInterval()).toNanos());
            return;
        }
        ended(waits(options) ? LockerMetrics.Outcome.TIMEOUT : LockerMetrics.Outcome.BUSY);
        result.complete(null);
    }

    private void failed(Throwable failure) {
        if (result.isDone()) {
            return; // the caller gave up: this is the cancelled attempt's answer
        }
        long now = System.nanoTime();
        if (!failing) {
            failing = true;
            failingSinceNanos = now;
            backoffNanos = FIRST_BACKOFF_NANOS;
        }
        boolean backendFailure = failure instanceof LockBackendException && locker.engine().isTransient(failure);
        boolean withinWait = deadline.isForever()
                ? now - failingSinceNanos < locker.engine().timeout().toNanos()
                : waits(options) && !deadline.hasPassed();
        if (backendFailure && withinWait) {
            later(Math.min(backoffNanos, deadline.remainingNanos()));
            backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
            return;
        }
        // a wait that ends in a failure was waited through, here or in the driver: say so; one attempt says only what failed
        boolean waitedThrough = backendFailure && (deadline.isForever() || waits(options));
        ended(LockerMetrics.Outcome.ERROR);
        result.completeExceptionally(waitedThrough ? keptFailing(failure) : failure);
    }

    /** Records how the call ended, once: an outcome told before the caller gave up stands. */
    private void ended(LockerMetrics.Outcome outcome) {
        if (outcomeTold.compareAndSet(false, true)) {
            acquisition.ended(outcome);
        }
    }

    private LockBackendException keptFailing(Throwable last) {
        String until = deadline.isForever()
                ? "for longer than its timeout of " + locker.engine().timeout()
                : "until the wait time of " + options.waitTime().orElseThrow() + " ended";
        return new LockBackendException(key, locker.where(key) + ": the backend kept failing " + until
                + "; the last failure: " + last.getMessage(), last);
    }

    private void later(long delayNanos) {
        Future<?> timer;
        try {
            timer = locker.threads().schedule(delayNanos, this::attempt);
        } catch (LockBackendException closed) {
            result.completeExceptionally(closed);
            return;
        }
        inProgress = timer;
        if (result.isDone()) {
            timer.cancel(false);
        }
    }

    /**
     * @return whether a call with these options that did not get the lock gave up a wait (a timeout),
     *     rather than making its attempts (one, or its retries) and finding the lock held
     */
    static boolean waits(LockOptions options) {
        return options.waitTime().map(wait -> !wait.isZero()).orElse(false);
    }
}
