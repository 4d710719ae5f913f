package io.github.locker.redis;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Predicate;

/**
 * The acquisitions of one backend waiting for a lock (or a semaphore's permit) to be released, by
 * the key releases name, in arrival order. A release message wakes one exclusive waiter or permit
 * waiter (the others would only lose the race to it) and every shared waiter of the key (they can
 * all get in at once; the writer preference sends back those that cannot). A lost message only
 * delays a waiter until its holder's lease would end. Adding, removing and waking one are O(1),
 * however many wait on one key; the futures are completed outside the map's lock.
 *
 * <p>An attempt registers only once it has failed, so an uncontended acquisition never touches the
 * map: before it is sent it reads a count of its key's announcements ({@link #announcementsSeen}),
 * and registers with that count; a registration that finds the count moved is woken at once, so a
 * release announced while its attempt was on its way is not missed. Counting and registering both
 * happen inside the map's atomic {@code compute} of the key, so one of the two always sees the
 * other. A shared attempt counts every announcement, since an announcement wakes every shared
 * waiter. An exclusive one counts only those that found no exclusive waiter to wake: one that woke a
 * waiter leaves the exclusive attempts still on their way asleep, as it would have left them
 * waiting behind the woken one; that one takes the lock or finds it held, and its holder's release is
 * announced again. Keys share counts by hash, so a waiter may be woken early by another key's
 * release: it tries once more and waits again.
 */
final class ReleaseWaiters {
    /** How many counts of announcements the keys share, for each mode: a power of two. */
    private static final int COUNTS = 256;

    /** One key's waiters, changed only inside the map's {@code compute} of the key. */
    private static final class Waiting {
        final LinkedHashSet<CompletableFuture<Void>> exclusive = new LinkedHashSet<>();
        final LinkedHashSet<CompletableFuture<Void>> shared = new LinkedHashSet<>();

        boolean isEmpty() {
            return exclusive.isEmpty() && shared.isEmpty();
        }
    }

    private final ConcurrentHashMap<String, Waiting> byLockKey = new ConcurrentHashMap<>();
    /** By key hash: announcements that woke no exclusive waiter, which exclusive attempts on their way must not miss. */
    private final AtomicLongArray unserved = new AtomicLongArray(COUNTS);
    /** By key hash: every announcement, which shared attempts on their way must not miss. */
    private final AtomicLongArray announced = new AtomicLongArray(COUNTS);

    /**
     * @param lockKey the key releases name
     * @param shared whether the attempt wants a share
     * @return the count of the key's announcements that attempt must not miss, read before it is
     *     sent, for {@link #register}
     */
    long announcementsSeen(String lockKey, boolean shared) {
        return (shared ? announced : unserved).get(countOf(lockKey));
    }

    /**
     * Registers a waiter whose attempt failed, so that the next release of the key wakes it.
     *
     * @param lockKey the key releases name
     * @param shared whether the waiter wants a share, and is woken with every other shared waiter
     * @param seenBeforeAttempt {@link #announcementsSeen} before the failed attempt was sent: if it
     *     moved since, a release may have been announced before the waiter was here, and the future
     *     is completed at once
     * @return completes when a release of the key is announced
     */
    CompletableFuture<Void> register(String lockKey, boolean shared, long seenBeforeAttempt) {
        CompletableFuture<Void> wakeUp = new CompletableFuture<>();
        boolean[] missed = new boolean[1];
        byLockKey.compute(lockKey, (key, waiting) -> {
            missed[0] = announcementsSeen(key, shared) != seenBeforeAttempt;
            if (missed[0]) {
                return waiting;
            }
            Waiting queue = waiting == null ? new Waiting() : waiting;
            (shared ? queue.shared : queue.exclusive).add(wakeUp);
            return queue;
        });
        if (missed[0]) {
            wakeUp.complete(null);
        }
        return wakeUp;
    }

    /** Takes out a future {@link #register} returned, with the same {@code shared}. */
    void unregister(String lockKey, CompletableFuture<Void> wakeUp, boolean shared) {
        byLockKey.computeIfPresent(lockKey, (key, waiting) -> {
            (shared ? waiting.shared : waiting.exclusive).remove(wakeUp);
            return waiting.isEmpty() ? null : waiting;
        });
    }

    /**
     * A release of {@code lockKey} was announced: wakes the first exclusive waiter that is still
     * waiting (one woken already by its timer has cancelled its future) and every shared one, and
     * counts the announcement for the attempts on their way.
     */
    void released(String lockKey) {
        List<CompletableFuture<Void>> readers = new ArrayList<>();
        CompletableFuture<Void> next = takeFirst(lockKey, readers);
        readers.forEach(wakeUp -> wakeUp.complete(null));
        while (next != null && !next.complete(null)) {
            next = takeFirst(lockKey, null);
        }
    }

    /** After a reconnection messages may have been missed: everyone tries again. */
    void wakeAll() {
        wakeWhere(lockKey -> true);
    }

    /**
     * Messages for some keys may have been missed (their sharded subscription was dropped and is
     * back): their waiters try again, and so do the attempts on their way.
     *
     * @param missed which keys' waiters
     */
    void wakeWhere(Predicate<String> missed) {
        for (int count = 0; count < COUNTS; count++) {
            unserved.incrementAndGet(count);
            announced.incrementAndGet(count);
        }
        List<CompletableFuture<Void>> everyone = new ArrayList<>();
        byLockKey.keySet().stream().filter(missed).forEach(lockKey -> byLockKey.computeIfPresent(lockKey, (key, waiting) -> {
            everyone.addAll(waiting.exclusive);
            everyone.addAll(waiting.shared);
            return waiting;
        }));
        everyone.forEach(wakeUp -> wakeUp.complete(null));
    }

    /**
     * @param readers where to move the key's shared waiters (the announcement's first look, which
     *     also counts it for shared attempts), or null to leave them
     * @return the oldest exclusive waiter, taken out; null when there is none, and then the
     *     announcement is counted as unserved
     */
    private CompletableFuture<Void> takeFirst(String lockKey, List<CompletableFuture<Void>> readers) {
        List<CompletableFuture<Void>> first = new ArrayList<>(1);
        byLockKey.compute(lockKey, (key, waiting) -> {
            if (readers != null) {
                announced.incrementAndGet(countOf(key));
                if (waiting != null) {
                    readers.addAll(waiting.shared);
                    waiting.shared.clear();
                }
            }
            if (waiting == null || waiting.exclusive.isEmpty()) {
                unserved.incrementAndGet(countOf(key));
            } else {
                Iterator<CompletableFuture<Void>> oldestFirst = waiting.exclusive.iterator();
                first.add(oldestFirst.next());
                oldestFirst.remove();
            }
            return waiting == null || waiting.isEmpty() ? null : waiting;
        });
        return first.isEmpty() ? null : first.get(0);
    }

    private static int countOf(String lockKey) {
        int hash = lockKey.hashCode();
        return (hash ^ (hash >>> 16)) & (COUNTS - 1);
    }
}
