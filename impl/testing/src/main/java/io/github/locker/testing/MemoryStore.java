package io.github.locker.testing;

import io.github.locker.LockConflictException;
import io.github.locker.LockMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The locks and semaphores of one {@code memory.<id>} section, shared by every backend of that id
 * in this JVM: each key's holders with their lease end on the monotonic clock, the last fencing
 * token of every key (kept after the lock goes, so tokens only grow), the exclusive acquisitions
 * waiting (they stop new shared ones), and the acquisitions waiting for a release. Every operation
 * is a short critical section that never waits; wake-ups complete outside it.
 */
final class MemoryStore {
    private static final Map<String, MemoryStore> STORES = new ConcurrentHashMap<>();
    /** How long a waiter blocked by no lease (only by a waiting writer) sleeps at most before it looks again. */
    private static final long NO_LEASE_IN_THE_WAY_NANOS = 1_000_000_000L;

    /** A key's holder: its owner token, fencing token and lease end. */
    private record Holder(String owner, long token, long expiresAtNanos) {
        boolean isLive(long nowNanos) {
            return expiresAtNanos - nowNanos > 0;
        }
    }

    /** Who holds one key now: one exclusive holder, or shared holders, or a semaphore's permit holders. */
    private static final class Holders {
        final Map<String, Holder> byOwner = new LinkedHashMap<>();
        boolean exclusive;
        /** The semaphore's count while it has holders; 0 for a lock. */
        int permits;
        /** Exclusive acquisitions waiting for this key: new shared ones wait behind them. */
        final Set<String> writersWaiting = new LinkedHashSet<>();

        void dropExpired(long now) {
            byOwner.values().removeIf(holder -> !holder.isLive(now));
            if (byOwner.isEmpty()) {
                exclusive = false;
                permits = 0;
            }
        }

        long earliestEnd(long now) {
            return byOwner.values().stream().mapToLong(Holder::expiresAtNanos).min().orElse(now + NO_LEASE_IN_THE_WAY_NANOS);
        }

        boolean isIdle() {
            return byOwner.isEmpty() && writersWaiting.isEmpty();
        }
    }

    /**
     * What one attempt found: a new holding (its token and lease end), or the holders in the way
     * (the earliest of their lease ends, when to look again at the latest).
     */
    record Attempt(boolean acquired, long token, long expiresAtNanos) {
    }

    private final Map<String, Holders> holders = new HashMap<>();
    private final Map<String, Long> lastTokens = new HashMap<>();
    /** What a waiting acquisition asks for: which of the waiters a release can let in. */
    private record Waiter(LockMode mode, int permits) {
    }

    private final Map<String, Map<CompletableFuture<Void>, Waiter>> waiters = new HashMap<>();

    /** The store's key of a locker's lock: a separator no prefix can fake, so prefixes "t1" and "t12" never meet. */
    static String keyOf(String keyPrefix, String key) {
        return "lock" + keyPrefix + '\u0000' + key;
    }

    /** The store's key of a locker's semaphore: apart from the lock of the same key. */
    static String semaphoreKeyOf(String keyPrefix, String key) {
        return "semaphore" + keyPrefix + '\u0000' + key;
    }

    static MemoryStore named(String id) {
        return STORES.computeIfAbsent(id, unused -> new MemoryStore());
    }

    static void resetAll() {
        STORES.values().forEach(MemoryStore::reset);
    }

    /**
     * Takes {@code key} for {@code owner} when its mode allows it now; otherwise, when
     * {@code onRelease} is given, registers it to be completed at the key's next release (and an
     * exclusive one as a waiting writer, until it {@linkplain #stopWaitingToWrite gives up} it).
     *
     * @param permits the semaphore's count in {@link LockMode#PERMIT} mode
     * @throws LockConflictException when the semaphore's holders use another count
     */
    Attempt tryTake(String key, String owner, LockMode mode, int permits, long leaseNanos, CompletableFuture<Void> onRelease) {
        long now = System.nanoTime();
        synchronized (this) {
            Holders current = holders.computeIfAbsent(key, unused -> new Holders());
            current.dropExpired(now);
            if (mode == LockMode.PERMIT && current.permits != 0 && current.permits != permits) {
                String semaphore = key.substring(key.indexOf('\u0000') + 1);
                throw new LockConflictException(semaphore, "The semaphore '" + semaphore + "' is held with " + current.permits
                        + " permits, and this acquisition asked for " + permits + ": give every acquisition of a "
                        + "semaphore the same count", null);
            }
            boolean free = switch (mode) {
                case EXCLUSIVE -> current.byOwner.isEmpty();
                case SHARED -> !current.exclusive && current.writersWaiting.isEmpty();
                case PERMIT -> current.byOwner.size() < permits;
            };
            if (free) {
                long token = lastTokens.merge(key, 1L, Long::sum);
                Holder taken = new Holder(owner, token, now + leaseNanos);
                current.byOwner.put(owner, taken);
                current.exclusive = mode == LockMode.EXCLUSIVE;
                current.permits = mode == LockMode.PERMIT ? permits : 0;
                current.writersWaiting.remove(owner);
                return new Attempt(true, token, taken.expiresAtNanos());
            }
            if (onRelease != null) {
                waiters.computeIfAbsent(key, unused -> new LinkedHashMap<>()).put(onRelease, new Waiter(mode, permits));
                if (mode == LockMode.EXCLUSIVE) {
                    current.writersWaiting.add(owner);
                }
            }
            return new Attempt(false, 0, current.earliestEnd(now));
        }
    }

    /** @return the lease's new end, or 0 when the owner no longer holds the key */
    long renew(String key, String owner, long token, long leaseNanos) {
        long now = System.nanoTime();
        synchronized (this) {
            Holder holder = holderOf(key, owner, token);
            if (holder == null || !holder.isLive(now)) {
                return 0;
            }
            Holder renewed = new Holder(owner, token, now + leaseNanos);
            holders.get(key).byOwner.put(owner, renewed);
            return renewed.expiresAtNanos();
        }
    }

    /** @return whether the owner still held the key: only then is its hold deleted and the waiters woken */
    boolean release(String key, String owner, long token) {
        List<CompletableFuture<Void>> woken;
        synchronized (this) {
            Holder holder = holderOf(key, owner, token);
            if (holder == null) {
                return false;
            }
            Holders current = holders.get(key);
            current.byOwner.remove(owner);
            current.dropExpired(System.nanoTime());
            if (!holder.isLive(System.nanoTime())) {
                return false;
            }
            woken = admissibleWaiters(key);
        }
        woken.forEach(waiter -> waiter.complete(null));
        return true;
    }

    /** Wakes the next waiters for a woken one that had already given up, so the release is not lost. */
    void passOn(String key) {
        List<CompletableFuture<Void>> woken;
        synchronized (this) {
            woken = admissibleWaiters(key);
        }
        woken.forEach(waiter -> waiter.complete(null));
    }

    /** A waiter leaves the queue (to look again, or because it gave up), so a release wakes those that still wait. */
    void leaveQueue(String key, CompletableFuture<Void> onRelease) {
        synchronized (this) {
            Map<CompletableFuture<Void>, Waiter> queue = waiters.get(key);
            if (queue != null && queue.remove(onRelease) != null && queue.isEmpty()) {
                waiters.remove(key);
            }
        }
    }

    /** An exclusive acquisition that gave up leaves its place before new readers; the readers it kept out look again. */
    void stopWaitingToWrite(String key, String owner) {
        List<CompletableFuture<Void>> woken = List.of();
        synchronized (this) {
            Holders current = holders.get(key);
            if (current != null && current.writersWaiting.remove(owner)) {
                woken = admissibleWaiters(key);
            }
        }
        woken.forEach(waiter -> waiter.complete(null));
    }

    synchronized boolean isHeld(String key) {
        Holders current = holders.get(key);
        if (current == null) {
            return false;
        }
        current.dropExpired(System.nanoTime());
        return !current.byOwner.isEmpty();
    }

    synchronized int waiting(String key) {
        Map<CompletableFuture<Void>, Waiter> queue = waiters.get(key);
        return queue == null ? 0 : queue.size();
    }

    private Holder holderOf(String key, String owner, long token) {
        Holders current = holders.get(key);
        Holder holder = current == null ? null : current.byOwner.get(owner);
        return holder != null && holder.token() == token ? holder : null;
    }

    /**
     * The waiters the key's holders would let in now, in their order, taken out of the queue: the
     * first exclusive one when nobody holds the key, every shared one while no writer holds or
     * waits, as many permit waiters as there are free permits. Waking only those keeps a release of
     * a key with thousands of waiters from waking them all to find it taken again.
     */
    private List<CompletableFuture<Void>> admissibleWaiters(String key) {
        Map<CompletableFuture<Void>, Waiter> queue = waiters.get(key);
        Holders current = holders.get(key);
        List<CompletableFuture<Void>> woken = new ArrayList<>();
        if (current != null) {
            current.dropExpired(System.nanoTime());
        }
        if (queue != null) {
            int held = current == null ? 0 : current.byOwner.size();
            boolean exclusive = current != null && current.exclusive;
            boolean writersWaiting = current != null && !current.writersWaiting.isEmpty();
            for (var waiting = queue.entrySet().iterator(); waiting.hasNext(); ) {
                var entry = waiting.next();
                Waiter waiter = entry.getValue();
                boolean admitted = switch (waiter.mode()) {
                    case EXCLUSIVE -> held == 0;
                    case SHARED -> !exclusive && !writersWaiting;
                    case PERMIT -> held < waiter.permits();
                };
                if (admitted) {
                    woken.add(entry.getKey());
                    waiting.remove();
                    held++;
                    exclusive = waiter.mode() == LockMode.EXCLUSIVE;
                } else if (waiter.mode() != LockMode.SHARED) {
                    break; // in order: who waited longer goes first
                }
            }
            if (queue.isEmpty()) {
                waiters.remove(key);
            }
        }
        if (current != null && current.isIdle()) {
            holders.remove(key);
        }
        return woken;
    }

    private void reset() {
        List<CompletableFuture<Void>> woken = new ArrayList<>();
        synchronized (this) {
            holders.clear();
            lastTokens.clear();
            waiters.values().forEach(queue -> woken.addAll(queue.keySet()));
            waiters.clear();
        }
        woken.forEach(waiter -> waiter.complete(null));
    }
}
