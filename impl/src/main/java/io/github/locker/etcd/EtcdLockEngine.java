package io.github.locker.etcd;

import static io.github.locker.etcd.EtcdBackend.bytes;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.github.locker.LockBackendException;
import io.github.locker.LockOptions;
import io.github.locker.core.Deadline;
import io.github.locker.core.Keys;
import io.github.locker.core.Lease;
import io.github.locker.core.AcquisitionListener;
import io.github.locker.core.LockEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Acquisition on etcd with etcd's own lock protocol (the one of {@code etcdctl lock} and Go's
 * {@code concurrency.Mutex}), so Java and Go processes on the same name exclude each other:
 * <ol>
 *   <li>put {@code <prefix><name>/<lease id in hex>} attached to our lease; one already there is
 *       stale (an earlier acquisition of this locker whose release did not reach etcd) and is
 *       deleted first, so every acquisition gets a new create revision;</li>
 *   <li>the holder is the key with the lowest create revision under {@code <prefix><name>/}; that
 *       revision is the fencing token;</li>
 *   <li>a waiter watches only the deletion of the key created just before its own (one wake-up per
 *       release, no herd), then looks again;</li>
 *   <li>once first, it confirms its own key still exists (Jepsen found etcd answering "locked" to a
 *       waiter whose lease had expired, etcd issue 11456).</li>
 * </ol>
 * A waiter that gives up deletes its key, so it blocks nobody until its lease ends. While waiting
 * it checks every second that its key is still there: a dead backend ends the wait with
 * {@link io.github.locker.LockBackendException}, not at the wait time. An outage shorter than the
 * timeout, such as a cluster electing a new leader, does not end the wait: the waiter looks again.
 */
final class EtcdLockEngine implements LockEngine {
    private static final Logger LOG = Logger.getLogger(EtcdLockEngine.class.getName());
    private static final Duration MIN_ATTEMPT_TIME = Duration.ofSeconds(1);
    private static final long LIVENESS_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long OUTAGE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final GetOption FIRST_CREATED = GetOption.builder().isPrefix(true).withKeysOnly(true)
            .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.ASCEND).withLimit(1).build();

    private static final GetOption COUNT_ONLY = GetOption.builder().withCountOnly(true).build();
    private static final GetOption KEYS_ONLY = GetOption.builder().withKeysOnly(true).build();

    private final EtcdBackend backend;
    private final String keyPrefix;
    private final LocalTurns turns = new LocalTurns();
    private final ReentrantLock sessionsLock = new ReentrantLock();
    /** The kept-alive sessions of this locker, by lease TTL in seconds; guarded by {@link #sessionsLock}. */
    private final Map<Long, EtcdSession> sessions = new HashMap<>();
    /** The leases of held locks that are not kept alive (one each). */
    private final Set<EtcdSession> ownSessions = ConcurrentHashMap.newKeySet();

    /** Our key vanished while we waited: our lease ended. Start over with a new one. */
    private static final class SessionExpired extends Exception {
        private static final long serialVersionUID = 1L;

        SessionExpired() {
            super(null, null, false, false);
        }
    }

    /**
     * @param keyPrefix the locker's namespace: lock {@code k} lives under {@code <prefix>/k/}, or
     *     {@code k/} with an empty prefix (as {@code etcdctl lock k}). A '/' is allowed only at its
     *     end: inside, it would let one prefix's names nest under another's ({@code a/b} + {@code c}
     *     under {@code a} + {@code b}), and a waiter would then queue behind another tenant's keys.
     */
    EtcdLockEngine(EtcdBackend backend, String keyPrefix) {
        String namespace = keyPrefix.endsWith("/") ? keyPrefix.substring(0, keyPrefix.length() - 1) : keyPrefix;
        if (namespace.contains("/")) {
            throw new IllegalArgumentException("an etcd locker's key prefix may end with '/' but not contain one, was '"
                    + keyPrefix + "'");
        }
        this.backend = backend;
        this.keyPrefix = namespace.isEmpty() ? "" : namespace + "/";
    }

    @Override
    public Lease acquire(String key, LockOptions options, Deadline deadline, AcquisitionListener listener)
            throws InterruptedException {
        LocalTurns.Turn turn = turns.take(key, deadline.remainingNanos(), listener::contended);
        if (turn == null) {
            return null;
        }
        Lease lease = null;
        try {
            lease = acquireInEtcd(key, options, deadline, listener, () -> turns.give(key, turn));
            return lease;
        } finally {
            if (lease == null) {
                turns.give(key, turn);
            }
        }
    }

    private Lease acquireInEtcd(String key, LockOptions options, Deadline deadline, AcquisitionListener listener,
            Runnable afterRelease)
            throws InterruptedException {
        long ttlSeconds = Math.max(1, (options.leaseTime().toMillis() + 999) / 1000);
        String namePrefix = keyPrefix + Keys.escape(key, "/") + "/";
        while (true) {
            boolean ownSession = !options.keepAlive();
            EtcdSession session = ownSession ? ownSession(ttlSeconds) : sharedSession(ttlSeconds);
            ByteSequence myKey = bytes(namePrefix + Long.toHexString(session.leaseId()));
            long myRevision = 0;
            boolean handedOver = false;
            try {
                Queued queued = enqueue(key, bytes(namePrefix), myKey, session, deadline);
                myRevision = queued.revision();
                if (!queued.first()) {
                    listener.contended();
                    if (deadline.hasPassed() || !waitForPredecessors(key, bytes(namePrefix), myKey, myRevision, session, deadline)) {
                        return null;
                    }
                    confirmStillQueued(key, myKey, session, deadline);
                }
                handedOver = true;
                return new EtcdLease(backend, this, key, myKey, myRevision, session, ownSession, listener, afterRelease);
            } catch (SessionExpired expired) {
                if (deadline.hasPassed()) {
                    return null;
                }
            } finally {
                if (!handedOver) {
                    giveUpPlace(key, myKey, myRevision);
                    if (ownSession) {
                        forget(session);
                        session.close();
                    }
                }
            }
        }
    }

    /** Our place in the queue: our key's create revision, and whether it is first. */
    private record Queued(long revision, boolean first) {
    }

    /**
     * Deletes our waiter key, and only it: compared on its create revision, and waited for, so the
     * deletion cannot land after this locker's next put of the same key name and delete that. If
     * etcd does not answer, the key stays until this locker queues on the name again (and deletes
     * it as stale) or its lease ends. An unknown revision (the put itself went unanswered) is left
     * to the same stale-key rule.
     */
    private void giveUpPlace(String key, ByteSequence myKey, long myRevision) {
        if (myRevision == 0) {
            return;
        }
        try {
            backend.await(backend.deleteIfCreatedAt(myKey, myRevision), key, "leaving the queue of");
        } catch (LockBackendException unanswered) {
            LOG.log(Level.FINE, "could not delete the waiter key of ''{0}'': {1}", new Object[] {key, unanswered.getMessage()});
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Puts our key (deleting a stale one of ours first) and reads who is first. */
    private Queued enqueue(String key, ByteSequence namePrefix, ByteSequence myKey, EtcdSession session,
            Deadline deadline) throws InterruptedException {
        KV kv = backend.client().getKVClient();
        TxnResponse queued = null;
        // at most twice: the second put follows the deletion of a stale key of ours, which nothing recreates
        for (int attempt = 0; attempt < 2 && (queued == null || !queued.isSucceeded()); attempt++) {
            if (queued != null) {
                deleteStaleKey(key, myKey, queued.getGetResponses().get(0).getKvs().get(0).getCreateRevision(), deadline);
            }
            queued = backend.await(kv.txn()
                    .If(new Cmp(myKey, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(myKey, ByteSequence.EMPTY, PutOption.builder().withLeaseId(session.leaseId()).build()),
                            Op.get(namePrefix, FIRST_CREATED))
                    .Else(Op.get(myKey, GetOption.DEFAULT))
                    .commit(), deadline.attemptTimeout(backend.timeout(), MIN_ATTEMPT_TIME), key, "acquiring");
        }
        if (!queued.isSucceeded()) {
            throw new LockBackendException(key, backend.describe() + " kept a key of ours under '" + key
                    + "' after deleting it", null);
        }
        long myRevision = queued.getHeader().getRevision();
        return new Queued(myRevision, queued.getGetResponses().get(0).getKvs().get(0).getCreateRevision() == myRevision);
    }

    /** @return true once no key created before ours remains; false when the deadline passed first */
    private boolean waitForPredecessors(String key, ByteSequence namePrefix, ByteSequence myKey, long myRevision,
            EtcdSession session, Deadline deadline) throws InterruptedException, SessionExpired {
        GetOption lastBeforeMine = GetOption.builder().isPrefix(true).withKeysOnly(true)
                .withMaxCreateRevision(myRevision - 1)
                .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.DESCEND).withLimit(1).build();
        long failingSince = 0;
        boolean failing = false;
        while (true) {
            try {
                GetResponse predecessors = backend.await(backend.client().getKVClient().get(namePrefix, lastBeforeMine),
                        deadline.attemptTimeout(backend.timeout(), MIN_ATTEMPT_TIME), key, "waiting for");
                failing = false;
                if (predecessors.getKvs().isEmpty()) {
                    return true;
                }
                KeyValue predecessor = predecessors.getKvs().get(0);
                if (!awaitDeletion(key, predecessor, myKey, session, deadline)) {
                    return false;
                }
            } catch (LockBackendException unanswered) {
                // A cluster electing a new leader answers nothing for a second or two, and our key and
                // lease outlive that: look again, unless etcd stays silent a whole timeout more or the
                // wait is over. Every look starts from etcd's state, so nothing seen before is trusted.
                long now = System.nanoTime();
                if (!failing) {
                    failing = true;
                    failingSince = now;
                }
                if (deadline.hasPassed() || now - failingSince >= backend.timeout().toNanos()) {
                    throw unanswered;
                }
                TimeUnit.NANOSECONDS.sleep(Math.min(OUTAGE_RETRY_NANOS, deadline.remainingNanos()));
            }
        }
    }

    /**
     * Deletes a key of ours that was already under the lock's name when we queued: the key of an
     * earlier acquisition of this locker whose release or clean-up did not reach etcd (the local
     * turn says no other thread of this locker is using it). Its create revision was another
     * critical section's fencing token, or a place in the queue nobody waits on: reusing it would
     * hand out the same token twice. Only that revision is deleted.
     */
    private void deleteStaleKey(String key, ByteSequence myKey, long staleRevision, Deadline deadline)
            throws InterruptedException {
        backend.await(backend.deleteIfCreatedAt(myKey, staleRevision),
                deadline.attemptTimeout(backend.timeout(), MIN_ATTEMPT_TIME), key, "acquiring");
    }

    /**
     * Watches from "now" rather than from the revision we read the predecessor at: etcd serves a
     * watch that starts in the past from a catch-up loop that runs every 100 ms, one that starts now
     * at once. So: watch, wait until etcd confirms the watch exists, then check the predecessor is
     * still there; any deletion after that check reaches the watch. "Still there" means the same
     * create revision: the predecessor's locker may already have deleted it and queued again under
     * the same key name, behind us.
     *
     * @return true when the key was deleted (or the watch broke: look again); false when the deadline passed
     */
    private boolean awaitDeletion(String key, KeyValue predecessor, ByteSequence myKey, EtcdSession session,
            Deadline deadline) throws InterruptedException, SessionExpired {
        CompletableFuture<Void> watching = new CompletableFuture<>();
        CompletableFuture<Void> deleted = new CompletableFuture<>();
        WatchOption deletionsFromNow = WatchOption.builder().withNoPut(true).withCreateNotify(true)
                .withRequireLeader(true).build();
        try (Watch.Watcher watcher = backend.client().getWatchClient().watch(predecessor.getKey(), deletionsFromNow,
                Watch.listener(response -> {
                    if (response.isCreatedNotify()) {
                        watching.complete(null);
                    }
                    if (response.getEvents().stream().anyMatch(event -> event.getEventType() == WatchEvent.EventType.DELETE)) {
                        deleted.complete(null);
                    }
                }, failure -> {
                    watching.completeExceptionally(failure);
                    deleted.completeExceptionally(failure);
                }))) {
            backend.await(watching, deadline.attemptTimeout(backend.timeout(), MIN_ATTEMPT_TIME), key, "watching the holder of");
            GetResponse now = backend.await(backend.client().getKVClient().get(predecessor.getKey(), KEYS_ONLY),
                    deadline.attemptTimeout(backend.timeout(), MIN_ATTEMPT_TIME), key, "waiting for");
            if (now.getKvs().isEmpty() || now.getKvs().get(0).getCreateRevision() != predecessor.getCreateRevision()) {
                return true;
            }
            while (true) {
                try {
                    deleted.get(Math.min(LIVENESS_CHECK_NANOS, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
                    return true;
                } catch (TimeoutException stillHeld) {
                    if (deadline.hasPassed()) {
                        return false;
                    }
                    confirmStillQueued(key, myKey, session, deadline);
                } catch (ExecutionException watchBroke) {
                    TimeUnit.MILLISECONDS.sleep(100); // then look again: the predecessor may be gone
                    return true;
                }
            }
        }
    }

    /** Our key must still exist and our lease still live, or we would "hold" a lock etcd gave away. */
    private void confirmStillQueued(String key, ByteSequence myKey, EtcdSession session, Deadline deadline)
            throws InterruptedException, SessionExpired {
        GetResponse mine = backend.await(backend.client().getKVClient().get(myKey, COUNT_ONLY),
                deadline.attemptTimeout(backend.timeout(), MIN_ATTEMPT_TIME), key, "waiting for");
        if (mine.getCount() == 0 || !session.isAlive()) {
            throw new SessionExpired();
        }
    }

    private EtcdSession sharedSession(long ttlSeconds) throws InterruptedException {
        sessionsLock.lockInterruptibly();
        try {
            EtcdSession session = sessions.get(ttlSeconds);
            if (session == null || !session.isAlive()) {
                session = EtcdSession.open(backend, ttlSeconds, true);
                sessions.put(ttlSeconds, session);
            }
            return session;
        } finally {
            sessionsLock.unlock();
        }
    }

    /** A lease for one lock that is not kept alive; tracked until released, so {@link #close()} can revoke it. */
    private EtcdSession ownSession(long ttlSeconds) throws InterruptedException {
        EtcdSession session = EtcdSession.open(backend, ttlSeconds, false);
        ownSessions.add(session);
        return session;
    }

    void forget(EtcdSession ownSession) {
        ownSessions.remove(ownSession);
    }

    /** @return the revocations of every lease of this locker: its held locks are released, not left to expire */
    List<CompletableFuture<?>> close() {
        List<CompletableFuture<?>> revocations = new ArrayList<>();
        sessionsLock.lock();
        try {
            sessions.values().forEach(session -> revocations.add(session.close()));
            sessions.clear();
        } finally {
            sessionsLock.unlock();
        }
        ownSessions.forEach(session -> revocations.add(session.close()));
        ownSessions.clear();
        return revocations;
    }

    @Override
    public String describe() {
        return backend.describe();
    }
}
