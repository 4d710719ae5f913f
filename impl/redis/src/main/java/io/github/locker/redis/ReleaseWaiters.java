package io.github.locker.redis;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The acquisitions of one backend waiting for a lock (or a semaphore's permit) to be released, by
 * the key releases name, in arrival order. A release message wakes one exclusive waiter or permit
 * waiter (the others would only lose the race to it) and every shared waiter of the key (they can
 * all get in at once; the writer preference sends back those that cannot). A lost message only
 * delays a waiter until its holder's lease would end. Adding, removing and waking one are O(1),
 * however many wait on one key; the futures are completed outside the map's lock, since a woken
 * waiter registers again from the same thread.
 */
final class ReleaseWaiters {
    private final ConcurrentHashMap<String, LinkedHashSet<CompletableFuture<Void>>> byLockKey = new ConcurrentHashMap<>();
    /** The shared waiters apart, so a key without any costs a release nothing more than before. */
    private final ConcurrentHashMap<String, LinkedHashSet<CompletableFuture<Void>>> sharedByLockKey = new ConcurrentHashMap<>();

    /**
     * Registers before the attempt, so a release between a failed attempt and the wait is not missed.
     *
     * @param lockKey the key releases name
     * @param shared whether the waiter wants a share, and is woken with every other shared waiter
     * @return completes when a release of the key is announced
     */
    CompletableFuture<Void> register(String lockKey, boolean shared) {
        CompletableFuture<Void> wakeUp = new CompletableFuture<>();
        (shared ? sharedByLockKey : byLockKey).compute(lockKey, (key, waiting) -> {
            LinkedHashSet<CompletableFuture<Void>> queue = waiting == null ? new LinkedHashSet<>() : waiting;
            queue.add(wakeUp);
            return queue;
        });
        return wakeUp;
    }

    /** Takes out a future {@link #register} returned, with the same {@code shared}. */
    void unregister(String lockKey, CompletableFuture<Void> wakeUp, boolean shared) {
        (shared ? sharedByLockKey : byLockKey).computeIfPresent(lockKey, (key, waiting) -> {
            waiting.remove(wakeUp);
            return waiting.isEmpty() ? null : waiting;
        });
    }

    /**
     * A release of {@code lockKey} was announced: wakes the first exclusive waiter that is still
     * waiting (one woken already by its timer has cancelled its future) and every shared one.
     */
    void released(String lockKey) {
        CompletableFuture<Void> next;
        do {
            next = takeFirst(lockKey);
        } while (next != null && !next.complete(null));
        if (!sharedByLockKey.isEmpty()) {
            LinkedHashSet<CompletableFuture<Void>> readers = sharedByLockKey.remove(lockKey);
            if (readers != null) {
                readers.forEach(wakeUp -> wakeUp.complete(null));
            }
        }
    }

    /** After a reconnection messages may have been missed: everyone tries again. */
    void wakeAll() {
        wakeWhere(lockKey -> true);
    }

    /**
     * Messages for some keys may have been missed (their sharded subscription was dropped and is
     * back): their waiters try again.
     *
     * @param missed which keys' waiters
     */
    void wakeWhere(Predicate<String> missed) {
        List<CompletableFuture<Void>> everyone = new ArrayList<>();
        for (ConcurrentHashMap<String, LinkedHashSet<CompletableFuture<Void>>> waiters : List.of(byLockKey, sharedByLockKey)) {
            waiters.keySet().stream().filter(missed).forEach(lockKey -> waiters.computeIfPresent(lockKey, (key, waiting) -> {
                everyone.addAll(waiting);
                return waiting;
            }));
        }
        everyone.forEach(wakeUp -> wakeUp.complete(null));
    }

    private CompletableFuture<Void> takeFirst(String lockKey) {
        List<CompletableFuture<Void>> first = new ArrayList<>(1);
        byLockKey.computeIfPresent(lockKey, (key, waiting) -> {
            Iterator<CompletableFuture<Void>> oldestFirst = waiting.iterator();
            first.add(oldestFirst.next());
            oldestFirst.remove();
            return waiting.isEmpty() ? null : waiting;
        });
        return first.isEmpty() ? null : first.get(0);
    }
}
