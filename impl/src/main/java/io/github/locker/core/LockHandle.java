package io.github.locker.core;

import io.github.locker.Lock;
import java.util.concurrent.atomic.AtomicBoolean;

/** The {@link Lock} a caller gets: one handle on a (possibly shared, reentrant) holding. */
final class LockHandle implements Lock {
    private final String key;
    private final Holding holding;
    private final AtomicBoolean unlocked = new AtomicBoolean();

    LockHandle(String key, Holding holding) {
        this.key = key;
        this.holding = holding;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public long fencingToken() {
        return holding.lease().fencingToken();
    }

    @Override
    public boolean isHeld() {
        return !unlocked.get() && holding.lease().isHeld();
    }

    /** @return when the lease ends on the monotonic clock unless renewed: for a leader loop's step-down */
    long expiresAtNanos() {
        return holding.lease().expiresAtNanos();
    }

    @Override
    public boolean unlock() {
        if (!unlocked.compareAndSet(false, true)) {
            return false;
        }
        return holding.leave();
    }

    @Override
    public String toString() {
        return "Lock[" + key + ", token " + fencingToken() + (isHeld() ? ", held]" : ", not held]");
    }
}
