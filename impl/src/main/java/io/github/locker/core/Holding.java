package io.github.locker.core;

import io.github.locker.LockBackendException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** One backend lease and the number of handles still open on it (more than one when reentered). */
final class Holding {
    private final Lease lease;
    private final LockerMetrics.Acquisition acquisition;
    private final Consumer<Holding> onReleased;
    private final AtomicInteger openHandles = new AtomicInteger(1);

    /**
     * @param lease the backend lease
     * @param acquisition the metrics of the acquisition that took it, told of its release
     * @param onReleased run by the thread that closes the last handle, after the lease is released
     */
    Holding(Lease lease, LockerMetrics.Acquisition acquisition, Consumer<Holding> onReleased) {
        this.lease = lease;
        this.acquisition = acquisition;
        this.onReleased = onReleased;
    }

    Lease lease() {
        return lease;
    }

    /** @return true when another handle was opened; false when the lease is released or no longer held */
    boolean enterAgain() {
        while (true) {
            int open = openHandles.get();
            if (open == 0 || !lease.isHeld()) {
                return false;
            }
            if (openHandles.compareAndSet(open, open + 1)) {
                return true;
            }
        }
    }

    /** Closes one handle; the last one releases the lease. @return whether the lock was still ours */
    boolean leave() {
        if (openHandles.decrementAndGet() > 0) {
            return lease.isHeld();
        }
        try {
            return lease.release();
        } catch (LockBackendException unreachable) {
            acquisition.releaseFailed();
            throw unreachable;
        } finally {
            acquisition.released();
            onReleased.accept(this);
        }
    }
}
