package io.github.locker.cdi;

import io.github.locker.Locked;

/**
 * The members of one {@link Locked} annotation as plain values, so the same rules read it whether
 * it came from reflection (portable extension) or from the build-time model (CDI Lite).
 */
record LockedSpec(String key, String locker, String waitTime, String leaseTime, boolean keepAlive,
        Locked.Contention onContention) {

    static LockedSpec of(Locked locked) {
        return new LockedSpec(locked.key(), locked.locker(), locked.waitTime(), locked.leaseTime(), locked.keepAlive(),
                locked.onContention());
    }
}
