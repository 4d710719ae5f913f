package io.github.locker.etcd;

import static io.github.locker.etcd.EtcdBackend.bytes;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.github.locker.LockBackendException;
import io.github.locker.LockConflictException;
import io.github.locker.LockMode;
import io.github.locker.LockOptions;
import io.github.locker.core.Keys;
import io.github.locker.spi.LockEngine;
import io.github.locker.spi.Lease;
import io.github.locker.spi.AcquisitionListener;
import io.github.locker.spi.Deadline;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
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
 * No thread waits: the local turn is a future, the wait for the predecessor a watch, and the
 * deadline and the liveness check timers. A waiter that gives up (its deadline, or its caller
 * cancelling) deletes its key, so it blocks nobody until its lease ends. While waiting it checks
 * every second that its key is still there. An outage shorter than the timeout, such as a cluster
 * electing a new leader, does not end the wait: the waiter looks again, keeping its place; a longer
 * one ends the attempt with {@link io.github.locker.LockBackendException}.
 *
 * <p><b>Shared holds</b> follow etcd's {@code recipes.RWMutex}: a reader's key goes under the same
 * name, as {@code <name>/s/<lease id>-<number>}, unique per acquisition because this locker's
 * readers share its lease and several of them hold at once (so readers take no local turn). A
 * writer is the exclusive lock above, unchanged: it waits for every earlier key under the name,
 * readers' included, and a reader arriving after a queued writer has a higher revision, so writers
 * do not starve. A reader holds once no writer's key has a lower create revision than its own; it
 * waits for the deletion of the last writer's key created before it, then looks again. Writers'
 * keys are {@code <name>/<hex>}, and every hex digit sorts in {@code [0, g)} while {@code s} does
 * not: the range {@code [<name>/0, <name>/g)} holds exactly the writers' keys.
 *
 * <p><b>Permits</b> of the semaphore {@code k} live under {@code <prefix>k%permits/}, apart from
 * the lock {@code k}: an escaped name has a '%' only before two uppercase hex digits and no '/', so
 * no lock's name, and no other semaphore's, starts with it. Each acquisition puts a key of its own
 * whose value is its count N; it holds while fewer than N keys under the semaphore are older than
 * its own. Keys whose counts differ make the acquisition fail with {@link LockConflictException},
 * its key deleted. A waiter watches the deletions under the semaphore and counts again on each one
 * of a key older than its own (every waiter wakes: the next free permit may be anyone's).
 */
final class EtcdLockEngine implements LockEngine {
    private static final Logger LOG = Logger.getLogger(EtcdLockEngine.class.getName());
    private static final Duration MIN_ATTEMPT_TIME = Duration.ofSeconds(1);
    private static final long LIVENESS_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long OUTAGE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * Read right after our put, in its transaction: our key is the newest under the name, so these
     * are ours and, if any, the one created just before it (the one we wait for).
     */
    private static final GetOption LAST_TWO_CREATED = GetOption.builder().isPrefix(true).withKeysOnly(true)
            .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.DESCEND).withLimit(2).build();
    private static final GetOption COUNT_ONLY = GetOption.builder().withCountOnly(true).build();
    private static final WatchOption DELETIONS_FROM_NOW = WatchOption.builder().withNoPut(true).withCreateNotify(true)
            .withRequireLeader(true).build();
    /** With the deleted key's create revision, so a waiter for a permit wakes only for keys older than its own. */
    private static final WatchOption DELETIONS_UNDER_FROM_NOW = WatchOption.builder().isPrefix(true).withPrevKV(true)
            .withNoPut(true).withCreateNotify(true).withRequireLeader(true).build();
    /** Readers' keys under a lock's name; no writer's key (lowercase hex) starts with it. */
    private static final String SHARED_KEYS = "s/";
    /** Follows the escaped key for its semaphore: an escaped key has a '%' only before two uppercase hex digits, and no '/'. */
    private static final String SEMAPHORE_NAME_END = "%permits/";

    private final EtcdBackend backend;
    private final String keyPrefix;
    private final LocalTurns turns = new LocalTurns();
    private final ReentrantLock sessionsLock = new ReentrantLock();
    /** The kept-alive sessions of this locker, by lease TTL in seconds; guarded by {@link #sessionsLock}. */
    private final Map<Long, CompletableFuture<EtcdSession>> sessions = new HashMap<>();
    /** Locks released early that stay taken until their hold-at-least time (their keys still on their leases). */
    private final Set<EtcdLease> heldAtLeast = ConcurrentHashMap.newKeySet();
    /** The leases of held locks that are not kept alive (one each). */
    private final Set<EtcdSession> ownSessions = ConcurrentHashMap.newKeySet();
    /** Makes the keys of shared holds and permits unique: several share one lease and one name. */
    private final AtomicLong holdNumbers = new AtomicLong();

    /**
     * @param keyPrefix the locker's namespace: lock {@code k} lives under {@code <prefix>/k/}, or
     *     {@code k/} with an empty prefix (as {@code etcdctl lock k}). A '/' is allowed only at its
     *     end: inside, it would let one prefix's names nest under another's ({@code a/b} + {@code c}
     *     under {@code a} + {@code b}), and a waiter would then queue behind another tenant's keys.
     */
    EtcdLockEngine(EtcdBackend backend, String keyPrefix) {
        List<String> problems = new EtcdDriver().checkKeyPrefix(keyPrefix);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("The key prefix " + problems.get(0));
        }
        String namespace = keyPrefix.endsWith("/") ? keyPrefix.substring(0, keyPrefix.length() - 1) : keyPrefix;
        this.backend = backend;
        this.keyPrefix = namespace.isEmpty() ? "" : namespace + "/";
    }

    @Override
    public CompletableFuture<Lease> acquire(String key, LockOptions options, Deadline deadline, AcquisitionListener listener) {
        return new Acquisition(key, options, deadline, listener).start();
    }

    /** Exclusive, shared and permits: see the class comment. */
    @Override
    public boolean supports(LockMode mode) {
        return true;
    }

    /**
     * Our place in the queue: our key's create revision, whether it holds, the key it waits for
     * when the put's answer already named it (else null), and why the key must go (else null).
     */
    private record Queued(long revision, boolean first, KeyValue predecessor, String conflict) {
    }

    /** One acquisition: the local turn, then our key in etcd's queue, then the wait for our predecessors. */
    private final class Acquisition {
        private final String key;
        private final LockOptions options;
        private final Deadline deadline;
        private final AcquisitionListener listener;
        private final long ttlSeconds;
        private final LockMode mode;
        /** Every key of this queue starts with it: the lock's name, or the semaphore's. */
        private final String namePrefix;
        /** What our key holds: nothing, or a permit's count. */
        private final ByteSequence value;
        private final boolean ownSession;
        private final CompletableFuture<Lease> result = new CompletableFuture<>();
        private final AtomicBoolean turnGiven = new AtomicBoolean();
        /** Set as the acquisition gives up, before its result completes: no step may start after it. */
        private volatile boolean over;
        private volatile CompletableFuture<LocalTurns.Turn> turnWait;
        private volatile LocalTurns.Turn turn;
        // our current place in etcd's queue: revision 0 until the put is answered
        private volatile EtcdSession session;
        private volatile ByteSequence myKey;
        private volatile long myRevision;
        private final AtomicLong leftRevision = new AtomicLong();
        private volatile Watch.Watcher watcher;
        private volatile Future<?> deadlineTimer;
        private volatile Future<?> nextCheck;
        // written by one step's continuation at a time (steps never overlap), read by the deadline too
        private volatile boolean failing;
        private volatile Throwable lastFailure;
        private long failingSinceNanos;

        Acquisition(String key, LockOptions options, Deadline deadline, AcquisitionListener listener) {
            this.key = key;
            this.options = options;
            this.deadline = deadline;
            this.listener = listener;
            this.ttlSeconds = Math.max(1, (options.leaseTime().toMillis() + 999) / 1000);
            this.mode = options.mode();
            this.namePrefix = keyPrefix + Keys.escape(key, "/") + (mode == LockMode.PERMIT ? SEMAPHORE_NAME_END : "/");
            this.value = mode == LockMode.PERMIT ? bytes(Integer.toString(options.permits())) : ByteSequence.EMPTY;
            this.ownSession = !options.keepAlive();
        }

        CompletableFuture<Lease> start() {
            result.whenComplete((lease, failure) -> {
                if (result.isCancelled()) {
                    giveUp(); // the caller gave up
                }
            });
            if (!deadline.isForever() && !deadline.hasPassed()) {
                deadlineTimer = schedule(deadline.remainingNanos(), this::deadlinePassed);
            }
            // only an exclusive key's name is the same for all of this locker's acquisitions
            turnWait = mode == LockMode.EXCLUSIVE ? turns.take(key) : CompletableFuture.completedFuture(null);
            if (!turnWait.isDone()) {
                listener.contended();
                if (deadline.hasPassed()) {
                    end(null);
                    return result;
                }
            }
            turnWait.thenAccept(taken -> {
                turn = taken;
                if (over || result.isDone()) {
                    giveTurn();
                } else {
                    queue();
                }
            });
            return result;
        }

        /** Not acquired in time: a backend still failing then is the answer, not "held by another owner". */
        private void deadlinePassed() {
            Throwable failure = lastFailure;
            if (failing && failure != null) {
                end(failure);
            } else {
                end(null);
            }
        }

        /** Puts our key under the lock's name, on a live session, and reads who is first. */
        private void queue() {
            session(ttlSeconds, ownSession).thenCompose(opened -> {
                session = opened;
                myKey = keyOn(opened);
                myRevision = 0;
                if (over || result.isDone()) {
                    closeOwnSession();
                    return CompletableFuture.completedFuture(null);
                }
                return enqueue(opened, 0);
            }).whenComplete((queued, failure) -> {
                if (failure != null) {
                    end(failure);
                } else if (queued != null) {
                    queued(queued);
                }
            });
        }

        private ByteSequence keyOn(EtcdSession on) {
            String lease = Long.toHexString(on.leaseId());
            return bytes(switch (mode) {
                case EXCLUSIVE -> namePrefix + lease;
                case SHARED -> namePrefix + SHARED_KEYS + lease + "-" + Long.toHexString(holdNumbers.incrementAndGet());
                case PERMIT -> namePrefix + lease + "-" + Long.toHexString(holdNumbers.incrementAndGet());
            });
        }

        /** Puts our key and, in the same transaction, reads what decides whether it holds at once. */
        private CompletableFuture<Queued> enqueue(EtcdSession on, int attempt) {
            ByteSequence mine = myKey;
            Op look = switch (mode) {
                case EXCLUSIVE -> Op.get(bytes(namePrefix), LAST_TWO_CREATED);
                // every writer's key is older than ours here: the newest is the one to wait for
                case SHARED -> Op.get(blockersFrom(), lastBlocker(0));
                case PERMIT -> Op.get(bytes(namePrefix), GetOption.builder().isPrefix(true)
                        .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.ASCEND).build());
            };
            return explained(backend.client().getKVClient().txn()
                    .If(new Cmp(mine, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(mine, value, PutOption.builder().withLeaseId(on.leaseId()).build()), look)
                    .Else(Op.get(mine, GetOption.DEFAULT))
                    .commit(), "acquiring").thenCompose(queued -> {
                        if (queued.isSucceeded()) {
                            long revision = queued.getHeader().getRevision();
                            return CompletableFuture.completedFuture(placeOf(revision, queued.getGetResponses().get(0).getKvs()));
                        }
                        if (attempt > 0) {
                            throw new LockBackendException(key, backend.describe() + " kept a key of ours under '" + key
                                    + "' after deleting it", null);
                        }
                        // a key of ours already there: see deleteStaleKey
                        long stale = queued.getGetResponses().get(0).getKvs().get(0).getCreateRevision();
                        return explained(backend.deleteIfCreatedAt(mine, stale), "acquiring")
                                .thenCompose(deleted -> enqueue(on, attempt + 1));
                    });
        }

        /** @param keys what {@link #enqueue} read right after our put, which created revision {@code revision} */
        private Queued placeOf(long revision, List<KeyValue> keys) {
            return switch (mode) {
                case EXCLUSIVE -> new Queued(revision, keys.size() == 1, keys.size() == 1 ? null : keys.get(1), null);
                case SHARED -> new Queued(revision, keys.isEmpty(), keys.isEmpty() ? null : keys.get(0), null);
                case PERMIT -> new Queued(revision, keys.stream().filter(other -> other.getCreateRevision() < revision).count()
                        < options.permits(), null, disagreement(keys));
            };
        }

        /** @return why the semaphore's holders and waiters rule out our count, or null when they all use it */
        private String disagreement(List<KeyValue> keys) {
            Set<String> others = new TreeSet<>();
            keys.forEach(other -> others.add(other.getValue().toString(StandardCharsets.UTF_8)));
            others.remove(Integer.toString(options.permits()));
            if (others.isEmpty()) {
                return null;
            }
            String theirs = String.join(" and ", others);
            return "The semaphore '" + key + "' on " + backend.describe() + " is in use with " + theirs
                    + " permits, but this acquisition asked for " + options.permits() + ": every holder of a semaphore "
                    + "must use the same count. Use withPermits(" + others.iterator().next() + ") here, or change the "
                    + "count everywhere once no holder of it is left";
        }

        private void queued(Queued queued) {
            myRevision = queued.revision();
            if (over || result.isDone()) {
                leavePlace(); // the caller gave up while the put was on its way
                return;
            }
            if (queued.conflict() != null) {
                end(new LockConflictException(key, queued.conflict(), null));
                return;
            }
            if (queued.first()) {
                handOver();
                return;
            }
            listener.contended();
            if (deadline.hasPassed()) {
                end(null);
            } else if (queued.predecessor() != null) {
                awaitDeletion(queued.predecessor(), queued.revision());
            } else {
                lookForPredecessor();
            }
        }

        /** @return where the keys we may wait for start: any key under the name for a writer, writers' keys for a reader */
        private ByteSequence blockersFrom() {
            return bytes(mode == LockMode.SHARED ? namePrefix + "0" : namePrefix);
        }

        /** @return the newest of the keys we may wait for (see {@link #blockersFrom}), below that create revision unless 0 */
        private GetOption lastBlocker(long maxCreateRevision) {
            GetOption.Builder blockers = mode == LockMode.SHARED ? GetOption.builder().withRange(bytes(namePrefix + "g"))
                    : GetOption.builder().isPrefix(true);
            return blockers.withKeysOnly(true).withMaxCreateRevision(maxCreateRevision)
                    .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.DESCEND).withLimit(1).build();
        }

        /** Looks again at who is ahead of us, and follows what it finds (see {@link #look()}). */
        private void lookForPredecessor() {
            if (result.isDone()) {
                return;
            }
            if (mode == LockMode.PERMIT) {
                awaitPermit();
                return;
            }
            look().whenComplete((looked, failure) -> {
                if (failure != null) {
                    outage(failure, this::lookForPredecessor);
                } else {
                    failing = false;
                    next(looked, null).run();
                }
            });
        }

        /**
         * One transaction for the two reads a waiter needs once it may be first: that our key is
         * still the one we created (etcd issue 11456: never report held on a key our expired lease
         * lost), and the newest key created before ours that we wait for. A read-only transaction:
         * no raft proposal, one linearizable read.
         */
        private CompletableFuture<TxnResponse> look() {
            return explained(backend.client().getKVClient().txn()
                    .If(new Cmp(myKey, Cmp.Op.EQUAL, CmpTarget.createRevision(myRevision)))
                    .Then(Op.get(blockersFrom(), lastBlocker(myRevision - 1)))
                    .commit(), "waiting for");
        }

        /**
         * @param looked what {@link #look()} answered
         * @param watched the key whose deletion we watch (else null): still there, we keep waiting for it
         * @return what follows: null while {@code watched} still blocks us
         */
        private Runnable next(TxnResponse looked, KeyValue watched) {
            if (!looked.isSucceeded() || !session.isAlive()) {
                return this::sessionExpired;
            }
            List<KeyValue> blockers = looked.getGetResponses().get(0).getKvs();
            if (blockers.isEmpty()) {
                return this::handOver;
            }
            KeyValue blocker = blockers.get(0);
            if (watched != null && blocker.getCreateRevision() == watched.getCreateRevision() && blocker.getKey().equals(watched.getKey())) {
                return null;
            }
            long seenAt = looked.getHeader().getRevision();
            return () -> awaitDeletion(blocker, seenAt);
        }

        /**
         * Waits for the deletion of the key before ours, seen to exist at revision {@code seenAt}.
         * "Still there" means the same create revision: the predecessor's locker may already have
         * deleted it and queued again under the same key name, behind us. Once it is gone, we look
         * again, for the one before it and for our own key.
         *
         * <p>A watch from "now" delivers every event after the revision its creation answers with
         * (etcd 3.4 starts it at the store's revision + 1, read before it registers). When that
         * revision is not after {@code seenAt}, the predecessor's deletion cannot have slipped in
         * between and nothing is read; otherwise one {@link #look()} says whether it did.
         */
        private void awaitDeletion(KeyValue predecessor, long seenAt) {
            await(predecessor.getKey(), DELETIONS_FROM_NOW, deletion -> true,
                    watchedAfter -> watchedAfter <= seenAt ? CompletableFuture.completedFuture(null)
                            : look().thenApply(looked -> next(looked, predecessor)),
                    () -> look().thenApply(looked -> next(looked, null)));
        }

        /**
         * Waits until fewer than N keys under the semaphore are older than ours. Keys only leave the
         * part ahead of us (a newer key is behind), so a count below N stays true, however late its
         * answer: counts may overlap. The count and the check of our own key are one transaction.
         */
        private void awaitPermit() {
            GetOption ahead = GetOption.builder().isPrefix(true).withKeysOnly(true).withMaxCreateRevision(myRevision - 1)
                    .withLimit(options.permits()).build();
            Supplier<CompletableFuture<Runnable>> count = () -> explained(backend.client().getKVClient().txn()
                    .If(new Cmp(myKey, Cmp.Op.EQUAL, CmpTarget.createRevision(myRevision)))
                    .Then(Op.get(bytes(namePrefix), ahead))
                    .commit(), "waiting for").thenApply(looked -> {
                        if (!looked.isSucceeded() || !session.isAlive()) {
                            return this::sessionExpired;
                        }
                        return looked.getGetResponses().get(0).getKvs().size() >= options.permits() ? null : this::handOver;
                    });
            await(bytes(namePrefix), DELETIONS_UNDER_FROM_NOW, deletion -> deletion.getPrevKV().getCreateRevision() < myRevision,
                    watchedAfter -> count.get(), count);
        }

        /**
         * Watches from "now" rather than from the revision we read the blockers at: etcd serves a
         * watch that starts in the past from a catch-up loop that runs every 100 ms, one that starts
         * now at once. So: watch, wait until etcd confirms the watch exists, then look whether the
         * blockers are still there (unless the confirmation says they must be); any deletion after
         * the watch's start reaches it.
         *
         * @param watched the key, or the prefix, whose deletions may free us
         * @param option how to watch it (from now, deletions only)
         * @param mayFree which deletions count
         * @param onceWatching given the revision the watch started after, the look to make then
         * @param onDeletion the look to make on a deletion that counts
         */
        private void await(ByteSequence watched, WatchOption option, Predicate<WatchEvent> mayFree,
                LongFunction<CompletableFuture<Runnable>> onceWatching, Supplier<CompletableFuture<Runnable>> onDeletion) {
            CompletableFuture<Long> watching = new CompletableFuture<>();
            AtomicBoolean moved = new AtomicBoolean();
            AtomicBoolean checkingLiveness = new AtomicBoolean();
            // a look answers what follows, or null while we must still wait
            Consumer<CompletableFuture<Runnable>> follow = look -> look.whenComplete((next, failure) -> {
                if (failure != null) {
                    if (moved.compareAndSet(false, true)) {
                        stopWatching();
                        outage(failure, this::lookForPredecessor);
                    }
                    return;
                }
                failing = false;
                if (next != null) {
                    if (moved.compareAndSet(false, true)) {
                        stopWatching();
                        next.run();
                    }
                } else if (checkingLiveness.compareAndSet(false, true)) {
                    checkLivenessWhileWatching(moved);
                }
            });
            watcher = backend.client().getWatchClient().watch(watched, option,
                    Watch.listener(response -> {
                        if (response.isCreatedNotify()) {
                            watching.complete(response.getHeader().getRevision());
                        }
                        if (response.getEvents().stream().anyMatch(event -> event.getEventType() == WatchEvent.EventType.DELETE
                                && mayFree.test(event))) {
                            follow.accept(onDeletion.get());
                        }
                    }, broken -> {
                        watching.completeExceptionally(broken);
                        if (moved.compareAndSet(false, true)) {
                            stopWatching();
                            later(OUTAGE_RETRY_NANOS, this::lookForPredecessor); // the blockers may be gone
                        }
                    }));
            if (result.isDone()) {
                stopWatching();
                return;
            }
            explained(watching, "watching the holder of").whenComplete((watchedAfter, failure) -> {
                if (failure == null) {
                    follow.accept(onceWatching.apply(watchedAfter));
                } else if (moved.compareAndSet(false, true)) {
                    stopWatching();
                    outage(failure, this::lookForPredecessor);
                }
            });
        }

        /** While the watch waits: every second, our key must still be there (our lease alive). */
        private void checkLivenessWhileWatching(AtomicBoolean moved) {
            later(LIVENESS_CHECK_NANOS, () -> {
                if (moved.get()) {
                    return;
                }
                confirmStillQueued(() -> {
                    if (!moved.get()) {
                        checkLivenessWhileWatching(moved);
                    }
                }, () -> {
                    if (!moved.compareAndSet(false, true)) {
                        return false; // the watch moved on already
                    }
                    stopWatching();
                    return true;
                });
            });
        }

        /**
         * Our key must still exist and our lease still live, or we would "hold" a lock etcd gave away.
         *
         * @param then what follows when it is still queued
         * @param mayLeave asked before acting on a failure or a lost key: whether this look may still do so
         */
        private void confirmStillQueued(Runnable then, BooleanSupplier mayLeave) {
            explained(backend.client().getKVClient().get(myKey, COUNT_ONLY), "waiting for").whenComplete((mine, failure) -> {
                if (failure == null && mine.getCount() > 0 && session.isAlive()) {
                    then.run();
                } else if (mayLeave.getAsBoolean()) {
                    if (failure != null) {
                        outage(failure, this::lookForPredecessor);
                    } else {
                        sessionExpired();
                    }
                }
            });
        }

        /** Our key vanished while we waited: our lease ended. Start over with a new one, if there is time. */
        private void sessionExpired() {
            leavePlace();
            closeOwnSession();
            if (deadline.hasPassed()) {
                end(null);
            } else if (!result.isDone()) {
                queue();
            }
        }

        /**
         * A cluster electing a new leader answers nothing for a second or two, and our key and lease
         * outlive that: look again, unless etcd stays silent a whole timeout more or the wait is over.
         * Every look starts from etcd's state, so nothing seen before is trusted.
         */
        private void outage(Throwable failure, Runnable retry) {
            long now = System.nanoTime();
            lastFailure = failure;
            if (!failing) {
                failingSinceNanos = now;
                failing = true;
            }
            if (deadline.hasPassed() || now - failingSinceNanos >= backend.timeout().toNanos()) {
                end(failure);
            } else {
                later(Math.min(OUTAGE_RETRY_NANOS, deadline.remainingNanos()), retry);
            }
        }

        private void handOver() {
            cancelTimers();
            EtcdLease lease = new EtcdLease(backend, EtcdLockEngine.this, key, myKey, value, myRevision, session, ownSession,
                    listener, this::giveTurn);
            if (!result.complete(lease)) {
                lease.release(); // the caller gave up while the last look was on its way
            }
        }

        /**
         * Ends without the lock: leaves the queue and the local turn first, so the caller's next
         * acquisition, woken by the result, finds the turn free.
         *
         * @param failure why, or null when another owner held the lock until the deadline
         */
        private void end(Throwable failure) {
            if (result.isDone()) {
                return;
            }
            // answered once our key is gone (or its deletion failed): "not acquired" leaves nothing in the queue
            giveUp().whenComplete((left, unanswered) -> {
                if (failure == null) {
                    result.complete(null);
                } else {
                    result.completeExceptionally(failure);
                }
            });
        }

        /**
         * Leaves etcd's queue and the local turn (again, harmlessly, if already left).
         *
         * @return completes once our key is deleted, or its deletion failed
         */
        private CompletableFuture<?> giveUp() {
            over = true;
            cancelTimers();
            stopWatching();
            CompletableFuture<LocalTurns.Turn> waitingForTurn = turnWait;
            if (waitingForTurn != null) {
                waitingForTurn.cancel(false);
            }
            CompletableFuture<?> left = leavePlace().whenComplete((deleted, failure) -> closeOwnSession());
            // at once, not after the deletion: the next put of this key name finds ours, if still there, stale
            // (compared on its create revision, as the deletion is), and a dead backend must fail its next
            // caller, not look held by it
            giveTurn();
            return left;
        }

        /**
         * Deletes our waiter key, and only it: compared on its create revision, so the deletion
         * cannot remove this locker's next key under the same name. If etcd does not answer, the
         * key stays until this locker queues on the name again (and deletes it as stale) or its
         * lease ends. An unknown revision (the put itself went unanswered) is left to the same
         * stale-key rule; a put answered later leaves its place then.
         */
        private CompletableFuture<?> leavePlace() {
            long revision = myRevision;
            if (revision == 0 || leftRevision.getAndSet(revision) == revision) {
                return CompletableFuture.completedFuture(null);
            }
            return backend.explained(backend.deleteIfCreatedAt(myKey, revision), key, "leaving the queue of")
                    .exceptionally(unanswered -> {
                        LOG.log(Level.FINE, "could not delete the waiter key of ''{0}'': {1}",
                                new Object[] {key, unanswered.getMessage()});
                        return null;
                    });
        }

        /** Revokes this acquisition's own lease (keep-alive off), once. */
        private void closeOwnSession() {
            EtcdSession own = session;
            if (ownSession && own != null && ownSessions.remove(own)) {
                own.close();
            }
        }

        private void giveTurn() {
            LocalTurns.Turn taken = turn;
            if (taken != null && turnGiven.compareAndSet(false, true)) {
                taken.give();
            }
        }

        private void later(long delayNanos, Runnable step) {
            nextCheck = schedule(delayNanos, () -> {
                if (!result.isDone()) {
                    step.run();
                }
            });
        }

        private Future<?> schedule(long delayNanos, Runnable task) {
            try {
                Future<?> timer = backend.runtime().schedule(Duration.ofNanos(delayNanos), task);
                return timer;
            } catch (LockBackendException closed) {
                end(closed);
                return CompletableFuture.completedFuture(null);
            }
        }

        private void cancelTimers() {
            for (Future<?> timer : new Future<?>[] {deadlineTimer, nextCheck}) {
                if (timer != null) {
                    timer.cancel(false);
                }
            }
        }

        private void stopWatching() {
            Watch.Watcher watching = watcher;
            if (watching != null) {
                watching.close();
            }
        }

        private <T> CompletableFuture<T> explained(CompletableFuture<T> reply, String doing) {
            return backend.explained(reply, deadline.attemptTimeout(backend.timeout(), MIN_ATTEMPT_TIME), key, doing);
        }
    }

    /** @return a live kept-alive session shared by this locker's locks of that TTL, or a lease of the lock's own */
    private CompletableFuture<EtcdSession> session(long ttlSeconds, boolean own) {
        if (own) {
            return EtcdSession.open(backend, ttlSeconds, false).thenApply(session -> {
                ownSessions.add(session);
                return session;
            });
        }
        sessionsLock.lock();
        try {
            CompletableFuture<EtcdSession> session = sessions.get(ttlSeconds);
            if (session == null || session.isCompletedExceptionally() || session.isDone() && !session.join().isAlive()) {
                session = EtcdSession.open(backend, ttlSeconds, true);
                sessions.put(ttlSeconds, session);
            }
            return session;
        } finally {
            sessionsLock.unlock();
        }
    }

    /** A lease one lock was moved onto (extended, or released after a delay): revoked with the others at close. */
    void adopt(EtcdSession ownSession) {
        ownSessions.add(ownSession);
    }

    void forget(EtcdSession ownSession) {
        ownSessions.remove(ownSession);
    }

    /** @return the revocations of every lease of this locker: its held locks are released, not left to expire */
    void keepsUntilDue(EtcdLease released) {
        heldAtLeast.add(released);
    }

    void due(EtcdLease released) {
        heldAtLeast.remove(released);
    }

    /**
     * Revokes this locker's leases, which releases its locks at once. A lock released early for
     * hold-at-least is first moved onto a lease of its own that ends when it is due, so the close
     * does not free it before its time.
     */
    List<CompletableFuture<?>> close() {
        List<CompletableFuture<Boolean>> moves = heldAtLeast.stream().map(EtcdLease::keepUntilDueOnALeaseOfItsOwn).toList();
        heldAtLeast.clear();
        CompletableFuture<Void> moved = CompletableFuture.allOf(moves.toArray(CompletableFuture[]::new))
                .exceptionally(failure -> null);
        List<CompletableFuture<?>> revocations = new ArrayList<>();
        sessionsLock.lock();
        try {
            sessions.values().forEach(session -> revocations.add(moved.thenCompose(done -> session.handle((opened, failed) -> opened))
                    .thenCompose(opened -> opened == null ? CompletableFuture.completedFuture(null) : opened.close())));
            sessions.clear();
        } finally {
            sessionsLock.unlock();
        }
        ownSessions.forEach(session -> revocations.add(moved.thenCompose(done -> session.close())));
        ownSessions.clear();
        return revocations;
    }

    /** A refusal told in words (credentials, permission, TLS) will not pass by waiting. */
    @Override
    public boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof EtcdRefusals.Refusal) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Duration timeout() {
        return backend.timeout();
    }

    @Override
    public String describe() {
        return backend.describe();
    }
}
