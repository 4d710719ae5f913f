package io.github.locker.etcd;

import io.github.locker.spi.Lease;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One etcd lease and, when kept alive, its place on the client's single keep-alive stream. Every
 * lock a locker holds with keep-alive on is attached to the same session, so renewal traffic does
 * not grow with the number of locks. A lock with keep-alive off gets a session of its own that is
 * never renewed.
 *
 * <p>Validity is judged on the local monotonic clock: counted from before the grant was sent,
 * then from the arrival of each keep-alive answer (jetcd decides when to send; the answer arrives
 * after etcd restarted the TTL, so arrival overstates it by at most one network trip, which the
 * drift margin covers). Once the validity has passed the session is lost for good, even if a late
 * answer arrives: a holder that paused past its lease never believes it held the lock throughout.
 */
final class EtcdSession implements StreamObserver<LeaseKeepAliveResponse> {
    private static final Logger LOG = Logger.getLogger(EtcdSession.class.getName());
    private static final long NETWORK_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final EtcdBackend backend;
    private final long leaseId;
    private final long ttlSeconds;
    private final AtomicBoolean lost = new AtomicBoolean();
    private volatile long validUntilNanos;
    private volatile CloseableClient keepAlive;
    /** The locks held on this lease, told when it is lost. */
    private final Set<EtcdLease> holders = ConcurrentHashMap.newKeySet();

    private EtcdSession(EtcdBackend backend, long leaseId, long ttlSeconds, long sentAtNanos) {
        this.backend = backend;
        this.leaseId = leaseId;
        this.ttlSeconds = ttlSeconds;
        this.validUntilNanos = sentAtNanos + validity();
    }

    /** Grants a lease of at least {@code ttlSeconds} (etcd may raise it to its minimum) and keeps it alive if asked. */
    static CompletableFuture<EtcdSession> open(EtcdBackend backend, long ttlSeconds, boolean keepAlive) {
        long sentAt = System.nanoTime();
        return backend.explained(backend.client().getLeaseClient().grant(ttlSeconds), null, "granting a lease")
                .thenApply(grant -> {
                    EtcdSession session = new EtcdSession(backend, grant.getID(), grant.getTTL(), sentAt);
                    if (keepAlive) {
                        session.keepAlive = backend.client().getLeaseClient().keepAlive(session.leaseId, session);
                    }
                    return session;
                });
    }

    void attach(EtcdLease lease) {
        holders.add(lease);
    }

    void detach(EtcdLease lease) {
        holders.remove(lease);
    }

    long leaseId() {
        return leaseId;
    }

    /** @return when the lease ends on the local monotonic clock, unless a keep-alive answer arrives first */
    long validUntilNanos() {
        return validUntilNanos;
    }

    /** @return false once the lease is known, on the local clock, to have ended or may have */
    boolean isAlive() {
        if (lost.get()) {
            return false;
        }
        if (System.nanoTime() - validUntilNanos >= 0) {
            markLost("its lease of " + ttlSeconds + " s ended without a renewal", null);
            return false;
        }
        return true;
    }

    @Override
    public void onNext(LeaseKeepAliveResponse renewed) {
        long now = System.nanoTime();
        if (!isAlive()) {
            return;
        }
        validUntilNanos = now + validity();
    }

    @Override
    public void onError(Throwable failure) {
        // jetcd restarts the stream itself; the validity decides whether the lease outlived the gap
        LOG.log(Level.FINE, "keep-alive stream of lease {0} on {1} failed: {2}",
                new Object[] {Long.toHexString(leaseId), backend.describe(), failure});
    }

    @Override
    public void onCompleted() {
        // jetcd gives up on a lease whose deadline passed without an answer
        markLost("its keep-alive ended", null);
    }

    /**
     * Stops the keep-alive and revokes the lease, which deletes every key attached to it: the
     * locks held on it are released and their waiters woken at once.
     *
     * @return the revocation, to wait for when the connection is about to close
     */
    CompletableFuture<?> close() {
        lost.set(true);
        CloseableClient renewal = keepAlive;
        if (renewal != null) {
            renewal.close();
        }
        return backend.client().getLeaseClient().revoke(leaseId);
    }

    private void markLost(String why, Throwable cause) {
        if (lost.compareAndSet(false, true)) {
            CloseableClient renewal = keepAlive;
            if (renewal != null) {
                renewal.close();
                LOG.log(Level.WARNING, "Lease {0} on {1} was lost: {2}; every lock held on it is lost{3}",
                        new Object[] {Long.toHexString(leaseId), backend.describe(), why, cause == null ? "" : " (" + cause + ")"});
                holders.forEach(lease -> lease.sessionLost(why, cause));
            }
        }
    }

    private long validity() {
        long ttlNanos = TimeUnit.SECONDS.toNanos(ttlSeconds);
        return ttlNanos - ttlNanos / 100 - NETWORK_MARGIN_NANOS;
    }
}
