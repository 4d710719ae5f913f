package io.github.locker;

import java.util.Optional;

/**
 * The lock the current {@link Locked} method runs under, for business code that guards its own
 * writes with the fencing token: {@code @Inject LockContext locks; ... locks.current().orElseThrow().fencingToken()}.
 * Per thread: it answers inside the synchronous part of a {@code @Locked} method (the innermost
 * one when they nest), and is empty elsewhere.
 */
public interface LockContext {

    /** @return the lock of the innermost {@code @Locked} method running on this thread, if any */
    Optional<Lock> current();
}
