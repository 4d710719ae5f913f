package io.github.locker.core;

import io.github.locker.Lock;
import io.github.locker.LockLostException;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.MultiLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link Locker#lockAll}: the keys taken one after another in their natural order (the global
 * order that keeps overlapping callers from deadlocking), each with the wait time left of the
 * whole; on any failure, or when the caller gives up, the keys taken so far are released, the
 * last first.
 */
final class MultiKeyAcquisition {
    private final Locker locker;
    private final List<String> keys;
    private final LockOptions options;
    private final long waitEndsAtNanos;
    private final List<Lock> taken = new ArrayList<>();
    private final CompletableFuture<MultiLock> result = new CompletableFuture<>();
    private final AtomicReference<CompletableFuture<Lock>> current = new AtomicReference<>();

    private MultiKeyAcquisition(Locker locker, List<String> keys, LockOptions options) {
        this.locker = locker;
        this.keys = keys;
        this.options = options;
        this.waitEndsAtNanos = options.waitTime().map(wait -> System.nanoTime() + wait.toNanos()).orElse(0L);
    }

    /**
     * @return the keys in the order they are taken, each checked
     * @throws IllegalArgumentException when there is none, or one is invalid
     */
    static List<String> ordered(Collection<String> keys) {
        if (keys == null || keys.isEmpty()) {
            throw new IllegalArgumentException("keys must name at least one key, was " + keys);
        }
        keys.forEach(Keys::requireValid);
        return List.copyOf(new TreeSet<>(keys));
    }

    /**
     * @param ordered the keys as {@link #ordered} returned them
     * @param options options the locker has checked
     */
    static CompletableFuture<MultiLock> start(Locker locker, List<String> ordered, LockOptions options) {
        MultiKeyAcquisition acquisition = new MultiKeyAcquisition(locker, ordered, options);
        acquisition.result.whenComplete((held, failure) -> {
            if (failure != null) {
                acquisition.giveUp();
            }
        });
        acquisition.takeNext();
        return acquisition.result;
    }

    private void takeNext() {
        if (result.isDone()) {
            return;
        }
        int next;
        synchronized (taken) {
            next = taken.size();
        }
        if (next == keys.size()) {
            List<Lock> all;
            synchronized (taken) {
                all = List.copyOf(taken);
            }
            Lock lost = all.stream().filter(lock -> !lock.isHeld()).findFirst().orElse(null);
            if (lost == null) {
                result.complete(new Held(all));
            } else {
                // all or none: a key whose lease ended while the later ones were awaited may be another's by now
                LockLostException failure = new LockLostException(lost.key(), lost.fencingToken(), "Lock '" + lost.key()
                        + "' was lost while lockAll waited for the keys after it (its lease ended): nothing is held. "
                        + "Give the keys a lease longer than the wait, or keep-alive", null);
                releaseTaken().whenComplete((released, releaseFailure) -> result.completeExceptionally(failure));
            }
            return;
        }
        CompletableFuture<Lock> step = locker.lockAsync(keys.get(next), optionsLeft()).toCompletableFuture();
        current.set(step);
        step.whenComplete((lock, failure) -> {
            if (failure != null) {
                // the caller hears of the failure once what was taken is released, so it finds those keys free
                Throwable cause = BackendReplies.unwrap(failure);
                releaseTaken().whenComplete((released, releaseFailure) -> result.completeExceptionally(cause));
                return;
            }
            synchronized (taken) {
                taken.add(lock);
            }
            if (result.isDone()) {
                giveUp(); // the caller gave up while this key was being taken
            } else {
                takeNext();
            }
        });
    }

    /** @return the options of the next key: the wait time left of the whole */
    private LockOptions optionsLeft() {
        if (options.waitTime().isEmpty()) {
            return options;
        }
        return options.withWaitTime(Duration.ofNanos(Math.max(0, waitEndsAtNanos - System.nanoTime())));
    }

    private void giveUp() {
        CompletableFuture<Lock> step = current.get();
        if (step != null) {
            step.cancel(false);
        }
        releaseTaken();
    }

    /** Releases the keys taken so far, the last first; completes when every release was answered. */
    private CompletableFuture<Void> releaseTaken() {
        List<Lock> toRelease;
        synchronized (taken) {
            toRelease = new ArrayList<>(taken);
            taken.clear();
        }
        List<CompletableFuture<Boolean>> releases = new ArrayList<>();
        for (int i = toRelease.size() - 1; i >= 0; i--) {
            releases.add(toRelease.get(i).unlockAsync().toCompletableFuture());
        }
        return CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new));
    }

    /** The keys held together. */
    private record Held(List<Lock> locks) implements MultiLock {

        @Override
        public long fencingToken(String key) {
            return locks.stream().filter(lock -> lock.key().equals(key)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("'" + key + "' is not one of the keys "
                            + locks.stream().map(Lock::key).toList()))
                    .fencingToken();
        }

        @Override
        public boolean isHeld() {
            return locks.stream().allMatch(Lock::isHeld);
        }

        @Override
        public boolean unlock() {
            boolean allOurs = true;
            RuntimeException firstFailure = null;
            for (int i = locks.size() - 1; i >= 0; i--) {
                try {
                    allOurs &= locks.get(i).unlock();
                } catch (RuntimeException unreachable) {
                    allOurs = false;
                    firstFailure = firstFailure == null ? unreachable : firstFailure;
                }
            }
            if (firstFailure != null) {
                throw firstFailure;
            }
            return allOurs;
        }

        @Override
        public CompletionStage<Boolean> unlockAsync() {
            CompletableFuture<Boolean> allOurs = CompletableFuture.completedFuture(true);
            for (int i = locks.size() - 1; i >= 0; i--) {
                CompletableFuture<Boolean> one = locks.get(i).unlockAsync().toCompletableFuture();
                allOurs = allOurs.thenCombine(one, Boolean::logicalAnd);
            }
            return allOurs;
        }

        @Override
        public String toString() {
            return "MultiLock" + locks;
        }
    }
}
