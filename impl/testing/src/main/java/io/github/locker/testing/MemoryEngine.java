package io.github.locker.testing;

import io.github.locker.LockConflictException;
import io.github.locker.LockMode;
import io.github.locker.LockOptions;
import io.github.locker.spi.AcquisitionListener;
import io.github.locker.spi.Deadline;
import io.github.locker.spi.Lease;
import io.github.locker.spi.LockEngine;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Acquisition in memory, on the same contract as the server drivers: one attempt at a time; while
 * the lock is held, the acquisition waits in the store's queue for a release, with a timer at the
 * holder's lease end and one at its deadline. No thread waits. Shared holds, permits and the
 * waiting writers that stop new readers are the store's ({@link MemoryStore#tryTake}).
 */
final class MemoryEngine implements LockEngine {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final MemoryBackend backend;
    private final String keyPrefix;

    MemoryEngine(MemoryBackend backend, String keyPrefix) {
        this.backend = backend;
        this.keyPrefix = keyPrefix;
    }

    @Override
    public CompletableFuture<Lease> acquire(String key, LockOptions options, Deadline deadline, AcquisitionListener listener) {
        String storeKey = options.mode() == LockMode.PERMIT ? MemoryStore.semaphoreKeyOf(keyPrefix, key)
                : MemoryStore.keyOf(keyPrefix, key);
        return new Acquisition(storeKey, options, deadline, listener).start();
    }

    /** Every mode: exclusive, shared and permits. */
    @Override
    public boolean supports(LockMode mode) {
        return true;
    }

    @Override
    public Duration timeout() {
        return TIMEOUT;
    }

    @Override
    public String describe() {
        return backend.describe();
    }

    /** One acquisition's attempts and waits. */
    private final class Acquisition {
        private final String storeKey;
        private final String owner = backend.newOwnerToken();
        private final LockOptions options;
        private final Deadline deadline;
        private final AcquisitionListener listener;
        private final CompletableFuture<Lease> result = new CompletableFuture<>();
        private volatile CompletableFuture<Void> released;
        private volatile Future<?> holderLeaseEnd;
        private volatile Future<?> deadlineTimer;

        Acquisition(String storeKey, LockOptions options, Deadline deadline, AcquisitionListener listener) {
            this.storeKey = storeKey;
            this.options = options;
            this.deadline = deadline;
            this.listener = listener;
        }

        CompletableFuture<Lease> start() {
            result.whenComplete((lease, failure) -> {
                stopWaiting();
                if (options.mode() == LockMode.EXCLUSIVE) {
                    backend.store().stopWaitingToWrite(storeKey, owner); // a no-op once it holds the key
                }
            });
            if (!deadline.isForever() && !deadline.hasPassed()) {
                deadlineTimer = backend.runtime().schedule(Duration.ofNanos(deadline.remainingNanos()),
                        () -> result.complete(null));
            }
            attempt();
            return result;
        }

        /** One attempt at a time: a release and the holder's lease end may wake it together. */
        private synchronized void attempt() {
            if (result.isDone()) {
                return;
            }
            stopWaiting(); // the queue entry and timer of the previous attempt, if any
            boolean mayWait = !deadline.hasPassed();
            CompletableFuture<Void> onRelease = mayWait ? new CompletableFuture<>() : null;
            MemoryStore.Attempt attempt;
            try {
                attempt = backend.store().tryTake(storeKey, owner, options.mode(), options.permits(),
                        options.leaseTime().toNanos(), onRelease);
            } catch (LockConflictException conflict) {
                result.completeExceptionally(conflict);
                return;
            }
            if (attempt.acquired()) {
                MemoryLease lease = MemoryLease.start(backend, storeKey, owner, attempt.token(), attempt.expiresAtNanos(),
                        options, listener);
                if (!result.complete(lease)) {
                    lease.release(); // given up while this attempt won: nobody will use it
                }
                return;
            }
            if (!mayWait) {
                result.complete(null);
                return;
            }
            listener.contended();
            released = onRelease;
            onRelease.thenRunAsync(this::wokenByRelease, backend.runtime().callbacks());
            holderLeaseEnd = backend.runtime().schedule(Duration.ofNanos(attempt.expiresAtNanos() - System.nanoTime()),
                    this::attempt);
            if (result.isDone()) {
                stopWaiting(); // completed while it registered: leave the queue it just joined
            }
        }

        private void wokenByRelease() {
            if (result.isDone()) {
                backend.store().passOn(storeKey);
            } else {
                attempt();
            }
        }

        private void stopWaiting() {
            CompletableFuture<Void> waiting = released;
            if (waiting != null) {
                backend.store().leaveQueue(storeKey, waiting);
            }
            cancel(holderLeaseEnd);
            if (result.isDone()) {
                cancel(deadlineTimer);
            }
        }

        private void cancel(Future<?> timer) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }
}
