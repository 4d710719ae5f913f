package io.github.locker.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The locks of one {@code memory.<id>} section, shared by every backend of that id in this JVM:
 * holders with their lease end on the monotonic clock, the last fencing token of every key (kept
 * after the lock goes, so tokens only grow), and the acquisitions waiting for a release. Every
 * operation is a short critical section that never waits; wake-ups complete outside it.
 */
final class MemoryStore {
    private static final Map<String, MemoryStore> STORES = new ConcurrentHashMap<>();

    /** A key's holder: its owner token, fencing token and lease end. */
    private record Holder(String owner, long token, long expiresAtNanos) {
        boolean isLive(long nowNanos) {
            return expiresAtNanos - nowNanos > 0;
        }
    }

    /**
     * What one attempt found: a new holding (its token and lease end), or the holder in the way
     * (its lease end, when to look again at the latest).
     */
    record Attempt(boolean acquired, long token, long expiresAtNanos) {
    }

    private final Map<String, Holder> holders = new HashMap<>();
    private final Map<String, Long> lastTokens = new HashMap<>();
    private final Map<String, Set<CompletableFuture<Void>>> waiters = new HashMap<>();

    /** The store's key of a locker's key: a separator no prefix can fake, so prefixes "t1" and "t12" never meet. */
    static String keyOf(String keyPrefix, String key) {
        return keyPrefix + '\u0000' + key;
    }

    static MemoryStore named(String id) {
        return STORES.computeIfAbsent(id, unused -> new MemoryStore());
    }

    static void resetAll() {
        STORES.values().forEach(MemoryStore::reset);
    }

    /**
     * Takes {@code key} for {@code owner} when no live holder has it; otherwise, when
     * {@code onRelease} is given, registers it to be completed at the key's next release.
     */
    Attempt tryTake(String key, String owner, long leaseNanos, CompletableFuture<Void> onRelease) {
        long now = System.nanoTime();
        synchronized (this) {
            Holder holder = holders.get(key);
            if (holder == null || !holder.isLive(now)) {
                long token = lastTokens.merge(key, 1L, Long::sum);
                Holder taken = new Holder(owner, token, now + leaseNanos);
                holders.put(key, taken);
                return new Attempt(true, token, taken.expiresAtNanos());
            }
            if (onRelease != null) {
                waiters.computeIfAbsent(key, unused -> new LinkedHashSet<>()).add(onRelease);
            }
            return new Attempt(false, holder.token(), holder.expiresAtNanos());
        }
    }

    /** @return the lease's new end, or 0 when the owner no longer holds the key */
    long renew(String key, String owner, long token, long leaseNanos) {
        long now = System.nanoTime();
        synchronized (this) {
            Holder holder = holders.get(key);
            if (holder == null || !holder.owner().equals(owner) || holder.token() != token || !holder.isLive(now)) {
                return 0;
            }
            Holder renewed = new Holder(owner, token, now + leaseNanos);
            holders.put(key, renewed);
            return renewed.expiresAtNanos();
        }
    }

    /** @return whether the owner still held the key: only then is it deleted and the first waiter woken */
    boolean release(String key, String owner, long token) {
        CompletableFuture<Void> next;
        synchronized (this) {
            Holder holder = holders.get(key);
            if (holder == null || !holder.owner().equals(owner) || holder.token() != token) {
                return false;
            }
            holders.remove(key);
            if (!holder.isLive(System.nanoTime())) {
                return false;
            }
            next = firstWaiter(key);
        }
        if (next != null) {
            next.complete(null);
        }
        return true;
    }

    /** Wakes the next waiter for a woken one that had already given up, so the release is not lost. */
    void passOn(String key) {
        CompletableFuture<Void> next;
        synchronized (this) {
            next = isHeld(key) ? null : firstWaiter(key);
        }
        if (next != null) {
            next.complete(null);
        }
    }

    /** A waiter that gave up leaves the queue, so a release wakes one that still waits. */
    void forget(String key, CompletableFuture<Void> onRelease) {
        synchronized (this) {
            Set<CompletableFuture<Void>> queue = waiters.get(key);
            if (queue != null && queue.remove(onRelease) && queue.isEmpty()) {
                waiters.remove(key);
            }
        }
    }

    synchronized boolean isHeld(String key) {
        Holder holder = holders.get(key);
        return holder != null && holder.isLive(System.nanoTime());
    }

    synchronized int waiting(String key) {
        Set<CompletableFuture<Void>> queue = waiters.get(key);
        return queue == null ? 0 : queue.size();
    }

    private CompletableFuture<Void> firstWaiter(String key) {
        Set<CompletableFuture<Void>> queue = waiters.get(key);
        if (queue == null) {
            return null;
        }
        var first = queue.iterator();
        CompletableFuture<Void> next = first.next();
        first.remove();
        if (queue.isEmpty()) {
            waiters.remove(key);
        }
        return next;
    }

    private void reset() {
        List<CompletableFuture<Void>> woken = new ArrayList<>();
        synchronized (this) {
            holders.clear();
            lastTokens.clear();
            waiters.values().forEach(woken::addAll);
            waiters.clear();
        }
        woken.forEach(waiter -> waiter.complete(null));
    }
}
