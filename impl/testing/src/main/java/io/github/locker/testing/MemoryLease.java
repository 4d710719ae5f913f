package io.github.locker.testing;

import io.github.locker.LockOptions;
import io.github.locker.spi.AcquisitionListener;
import io.github.locker.spi.Lease;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/** One held memory lock: renewed every third of its lease when kept alive, reported lost when a renewal finds it gone. */
final class MemoryLease implements Lease {
    private final MemoryBackend backend;
    private final String key;
    private final String owner;
    private final long token;
    private final long leaseNanos;
    private final AcquisitionListener listener;
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile long expiresAtNanos;
    private volatile Future<?> nextRenewal;

    private MemoryLease(MemoryBackend backend, String key, String owner, long token, long expiresAtNanos,
            LockOptions options, AcquisitionListener listener) {
        this.backend = backend;
        this.key = key;
        this.owner = owner;
        this.token = token;
        this.leaseNanos = options.leaseTime().toNanos();
        this.expiresAtNanos = expiresAtNanos;
        this.listener = listener;
    }

    static MemoryLease start(MemoryBackend backend, String key, String owner, long token, long expiresAtNanos,
            LockOptions options, AcquisitionListener listener) {
        MemoryLease lease = new MemoryLease(backend, key, owner, token, expiresAtNanos, options, listener);
        backend.held().add(lease);
        if (options.keepAlive()) {
            lease.scheduleRenewal();
        }
        return lease;
    }

    private void scheduleRenewal() {
        if (!over.get() && !backend.runtime().isClosed()) {
            nextRenewal = backend.runtime().schedule(Duration.ofNanos(leaseNanos / 3), this::renew);
        }
    }

    private void renew() {
        if (over.get()) {
            return;
        }
        long renewedUntil = backend.store().renew(key, owner, token, leaseNanos);
        if (renewedUntil == 0) {
            if (end()) {
                listener.leaseLost(this, "a renewal found the lock gone (its lease ended, or the store was reset)", null);
            }
            return;
        }
        expiresAtNanos = renewedUntil;
        scheduleRenewal();
    }

    @Override
    public long fencingToken() {
        return token;
    }

    @Override
    public boolean isHeld() {
        return !over.get() && expiresAtNanos - System.nanoTime() > 0;
    }

    @Override
    public long expiresAtNanos() {
        return expiresAtNanos;
    }

    @Override
    public CompletableFuture<Boolean> release() {
        if (!end()) {
            return CompletableFuture.completedFuture(false);
        }
        return CompletableFuture.completedFuture(backend.store().release(key, owner, token));
    }

    @Override
    public CompletableFuture<Boolean> extend(Duration leaseTime) {
        if (over.get()) {
            return CompletableFuture.completedFuture(false);
        }
        long until = backend.store().renew(key, owner, token, leaseTime.toNanos());
        if (until == 0) {
            return CompletableFuture.completedFuture(false);
        }
        expiresAtNanos = until;
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> releaseAfter(Duration remaining) {
        if (!end()) {
            return CompletableFuture.completedFuture(false);
        }
        // the lock stays with this owner in the store and simply expires; waiters look again at its end
        return CompletableFuture.completedFuture(backend.store().renew(key, owner, token, remaining.toNanos()) != 0);
    }

    /** @return whether this call ended the lease (stopping its renewals), false when it had already ended */
    private boolean end() {
        if (!over.compareAndSet(false, true)) {
            return false;
        }
        Future<?> renewal = nextRenewal;
        if (renewal != null) {
            renewal.cancel(false);
        }
        backend.held().remove(this);
        return true;
    }
}
