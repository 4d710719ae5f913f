package io.github.locker.core;

import io.github.locker.LockMode;
import io.github.locker.LockOptions;
import io.github.locker.LockBackendException;
import io.github.locker.spi.Lease;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One backend lease, the number of handles still open on it (more than one when reentered), and
 * the watch on its local end. A timer at the lease's end on the monotonic clock marks it lost and
 * tells the locker, whatever the driver's renewals say: the loss is known before another owner can
 * acquire (the lease's end is counted with a drift margin), also when the holder unlocks later.
 */
final class Holding {
    private static final Logger LOG = Logger.getLogger(Holding.class.getName());

    /** Told once when a holding's lease is lost, on any thread; it hands the news on. */
    @FunctionalInterface
    interface LossListener {
        void lost(Holding holding, String reason, Throwable cause);
    }

    private final String key;
    private final Lease lease;
    private final LockOptions options;
    /** When the holding began, for hold-at-least: a little after the backend's acquisition, so never too early. */
    private final long acquiredAtNanos = System.nanoTime();
    private final LockerMetrics.Acquisition acquisition;
    private final LockerThreads threads;
    private final LossListener onLost;
    private final Consumer<Holding> onReleased;
    private final AtomicInteger openHandles = new AtomicInteger(1);
    /** Set once, by the release or by the loss, whichever comes first. */
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean lost;
    private volatile LockerThreads.Watch leaseEndWatch;

    /**
     * @param key the lock's key, for messages
     * @param lease the backend lease
     * @param options the acquisition's options: keep-alive and hold-at-least
     * @param acquisition the metrics of the acquisition that took it, told of its release
     * @param threads where the watch on the lease's end runs
     * @param onLost told when the lease is lost
     * @param onReleased run once the last handle is closed, after the release was sent
     */
    Holding(String key, Lease lease, LockOptions options, LockerMetrics.Acquisition acquisition, LockerThreads threads,
            LossListener onLost, Consumer<Holding> onReleased) {
        this.key = key;
        this.lease = lease;
        this.options = options;
        this.acquisition = acquisition;
        this.threads = threads;
        this.onLost = onLost;
        this.onReleased = onReleased;
        watchLeaseEnd();
    }

    Lease lease() {
        return lease;
    }

    LockerThreads threads() {
        return threads;
    }

    /** @return whether the lease is neither lost nor known, on the local clock, to have ended */
    boolean isHeld() {
        return !lost && lease.isHeld();
    }

    /** @return the mode the lock is held in */
    LockMode mode() {
        return options.mode();
    }

    /** @return true when another handle was opened; false when the lease is released or no longer held */
    boolean enterAgain() {
        while (true) {
            int open = openHandles.get();
            if (open == 0 || !isHeld()) {
                return false;
            }
            if (openHandles.compareAndSet(open, open + 1)) {
                return true;
            }
        }
    }

    /**
     * Closes one handle; the last one releases the lease, without blocking.
     *
     * @return whether the lock was still ours up to now; fails with {@link LockBackendException}
     *     when the release could not reach the backend
     */
    CompletableFuture<Boolean> leave() {
        if (openHandles.decrementAndGet() > 0) {
            return CompletableFuture.completedFuture(isHeld());
        }
        try {
            if (!lease.isHeld()) {
                // the lease ended before the watch saw it: told now, before the holder hears "not ours"
                lost("its lease ended before it was released", null);
            }
            if (!ended.compareAndSet(false, true)) {
                return CompletableFuture.completedFuture(false);
            }
            cancelWatch();
            long heldFor = System.nanoTime() - acquiredAtNanos;
            long stillToHold = options.holdAtLeast().toNanos() - heldFor;
            CompletableFuture<Boolean> release = stillToHold > 0
                    ? releaseAfter(Duration.ofNanos(stillToHold)) : lease.release();
            return release.whenComplete((ours, failure) -> {
                if (failure != null) {
                    acquisition.releaseFailed();
                }
            });
        } finally {
            acquisition.released();
            onReleased.accept(this);
        }
    }

    /**
     * Hold-at-least on the driver's lease. A driver that cannot do it gets the lock released at
     * once, keep-alive and all, and the caller hears why: nothing keeps renewing a lock nobody holds.
     */
    private CompletableFuture<Boolean> releaseAfter(Duration stillToHold) {
        return lease.releaseAfter(stillToHold).exceptionallyCompose(failure -> {
            if (BackendReplies.unwrap(failure) instanceof UnsupportedOperationException unsupported) {
                return lease.release().thenApply(ours -> {
                    throw unsupported;
                });
            }
            return CompletableFuture.failedFuture(failure);
        });
    }

    /**
     * Moves a fixed lease's end, for {@link LockHandle#extend}; the watch on the lease's end moves
     * with it, earlier or later.
     *
     * @return whether the lock was still ours; false also tells the loss, once
     */
    CompletableFuture<Boolean> extend(Duration leaseTime) {
        if (options.keepAlive()) {
            throw new IllegalStateException("Lock '" + key + "' is kept alive, which already renews it: extend() is "
                    + "for a lock taken with keep-alive off");
        }
        if (!isHeld()) {
            return CompletableFuture.completedFuture(false);
        }
        return lease.extend(leaseTime).thenApply(ours -> {
            if (ours) {
                cancelWatch();
                watchLeaseEnd();
            } else {
                lost("an extension found it gone (its lease had ended)", null);
            }
            return ours;
        });
    }

    /** The driver (a renewal found the key gone) or the watch knows the lease is lost: told once, never after a release. */
    void lost(String reason, Throwable cause) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        lost = true;
        cancelWatch();
        acquisition.released();
        onLost.lost(this, reason, cause);
        // stops the keep-alive; the owner-only delete frees the key if a late renewal kept it ours
        releaseInBackground();
    }

    /** For an acquisition that took the lock after its caller gave up: nobody will ever hold it. */
    void abandon() {
        if (ended.compareAndSet(false, true)) {
            cancelWatch();
            acquisition.released();
            releaseInBackground();
        }
    }

    private void releaseInBackground() {
        lease.release().whenComplete((ours, failure) -> {
            if (failure != null) {
                LOG.log(Level.FINE, "the release of lock ''{0}'' after it ended failed; it ends with its lease: {1}",
                        new Object[] {key, failure.toString()});
            }
        });
    }

    private void watchLeaseEnd() {
        if (ended.get()) {
            return;
        }
        long end = lease.expiresAtNanos();
        long left = end - System.nanoTime();
        if (left > 0 && lease.isHeld()) {
            try {
                leaseEndWatch = threads.watch(end, this::watchLeaseEnd);
            } catch (LockBackendException closed) {
                return; // the backend released its locks as it closed
            }
            if (ended.get()) {
                cancelWatch();
            }
        } else {
            lost(lease.isHeld() || left <= 0 ? "its lease ended on the local clock without a renewal"
                    : "the backend no longer keeps it", null);
        }
    }

    private void cancelWatch() {
        LockerThreads.Watch watch = leaseEndWatch;
        if (watch != null) {
            watch.cancel();
        }
    }
}
