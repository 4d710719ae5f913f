package io.github.locker.redis;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The acquisitions of one backend waiting for a lock to be released, by lock key, in arrival order.
 * A release message wakes one of them (the others would only lose the race to it); a lost message
 * only delays a waiter until its holder's lease would end. Adding, removing and waking are O(1),
 * however many wait on one key; the futures are completed outside the map's lock, since a woken
 * waiter registers again from the same thread.
 */
final class ReleaseWaiters {
    private final ConcurrentHashMap<String, LinkedHashSet<CompletableFuture<Void>>> byLockKey = new ConcurrentHashMap<>();

    /** Registers before the attempt, so a release between a failed attempt and the wait is not missed. */
    CompletableFuture<Void> register(String lockKey) {
        CompletableFuture<Void> wakeUp = new CompletableFuture<>();
        byLockKey.compute(lockKey, (key, waiting) -> {
            LinkedHashSet<CompletableFuture<Void>> queue = waiting == null ? new LinkedHashSet<>() : waiting;
            queue.add(wakeUp);
            return queue;
        });
        return wakeUp;
    }

    void unregister(String lockKey, CompletableFuture<Void> wakeUp) {
        byLockKey.computeIfPresent(lockKey, (key, waiting) -> {
            waiting.remove(wakeUp);
            return waiting.isEmpty() ? null : waiting;
        });
    }

    /** Wakes the first waiter that is still waiting; one woken already by its timer has cancelled its future. */
    void wakeOne(String lockKey) {
        CompletableFuture<Void> next;
        do {
            next = takeFirst(lockKey);
        } while (next != null && !next.complete(null));
    }

    /** After a reconnection messages may have been missed: everyone tries again. */
    void wakeAll() {
        List<CompletableFuture<Void>> everyone = new ArrayList<>();
        byLockKey.keySet().forEach(lockKey -> byLockKey.computeIfPresent(lockKey, (key, waiting) -> {
            everyone.addAll(waiting);
            return waiting;
        }));
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
