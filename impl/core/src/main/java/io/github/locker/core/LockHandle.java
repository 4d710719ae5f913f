package io.github.locker.core;

import io.github.locker.Lock;
import io.github.locker.LockBackendException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

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
        return !unlocked.get() && holding.isHeld();
    }

    /** @return when the lease ends on the monotonic clock unless renewed: for a leader loop's step-down */
    long expiresAtNanos() {
        return holding.lease().expiresAtNanos();
    }

    @Override
    public boolean unlock() {
        boolean heldUpToNow = isHeld();
        CompletableFuture<Boolean> releasing = unlocked.compareAndSet(false, true) ? holding.leave()
                : CompletableFuture.completedFuture(false);
        // only the wait is cut short by an interrupt: the release is already on its way
        return await(releasing, heldUpToNow, "releasing");
    }

    @Override
    public boolean extend(Duration leaseTime) {
        if (leaseTime == null || leaseTime.toMillis() < 1) {
            throw new IllegalArgumentException("leaseTime must be at least 1 ms, was " + leaseTime);
        }
        if (unlocked.get()) {
            return false;
        }
        boolean heldUpToNow = isHeld();
        return await(holding.extend(leaseTime), heldUpToNow, "extending");
    }

    private boolean await(CompletableFuture<Boolean> answer, boolean ifInterrupted, String doing) {
        try {
            return answer.get();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return ifInterrupted;
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof RuntimeException unreachable ? unreachable
                    : new LockBackendException(key, doing + " '" + key + "' failed: " + failed.getCause(), failed.getCause());
        }
    }

    @Override
    public CompletionStage<Boolean> unlockAsync() {
        if (!unlocked.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(false);
        }
        // sent from the locker's thread, not the caller's (an event loop must not wait for a client's write
        // lock); answered on the client's thread, so the caller's continuations go back to the locker's
        Executor lockers = holding.threads().callbacks();
        return CompletableFuture.supplyAsync(holding::leave, lockers).thenCompose(Function.identity())
                .thenApplyAsync(Function.identity(), lockers);
    }

    @Override
    public String toString() {
        return "Lock[" + key + ", token " + fencingToken() + (isHeld() ? ", held]" : ", not held]");
    }
}
