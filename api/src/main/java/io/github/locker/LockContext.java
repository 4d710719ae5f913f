package io.github.locker;

import java.util.Optional;

/**
 * The lock the current {@link Locked} method runs under, for business code that guards its own
 * writes with the fencing token: {@code @Inject LockContext locks; ... locks.current().orElseThrow().fencingToken()}.
 * Per thread: it answers inside the synchronous part of a {@code @Locked} method (the innermost
 * one when they nest), and is empty elsewhere.
 */
public interface LockContext {

    /**
     * @return the lock of the innermost {@code @Locked} method running on this thread, if any; for
     *     a method with several keys, the lock of the first key in their order
     */
    Optional<Lock> current();

    /**
     * @return the locks of the innermost {@code @Locked} method running on this thread, one per key
     *     in the order they were taken; empty outside one
     */
    default java.util.List<Lock> currentLocks() {
        return current().map(java.util.List::of).orElse(java.util.List.of());
    }
}
