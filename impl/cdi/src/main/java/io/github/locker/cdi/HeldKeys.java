package io.github.locker.cdi;

import io.github.locker.Lock;
import io.github.locker.MultiLock;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * The keys of a {@code @Locked} method with several templates, as the one {@link Lock} the
 * interceptor's paths handle: held while every key is, released together. Its token is the first
 * key's; {@link ThreadLockContext#currentLocks()} gives each key's.
 */
record HeldKeys(MultiLock all) implements Lock {

    static HeldKeys of(MultiLock all) {
        return new HeldKeys(all);
    }

    List<Lock> locks() {
        return all.locks();
    }

    @Override
    public String key() {
        return all.locks().stream().map(Lock::key).collect(Collectors.joining(", "));
    }

    @Override
    public long fencingToken() {
        return all.locks().get(0).fencingToken();
    }

    @Override
    public boolean isHeld() {
        return all.isHeld();
    }

    @Override
    public boolean unlock() {
        return all.unlock();
    }

    @Override
    public CompletionStage<Boolean> unlockAsync() {
        return all.unlockAsync();
    }
}
