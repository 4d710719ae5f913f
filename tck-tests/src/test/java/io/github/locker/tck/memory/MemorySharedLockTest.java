package io.github.locker.tck.memory;

import io.github.locker.tck.MemoryTckBackend;
import io.github.locker.tck.SharedLockContract;
import io.github.locker.tck.TckBackend;

/** The in-memory driver passes the contract of shared and exclusive holds. */
class MemorySharedLockTest extends SharedLockContract {

    @Override
    protected TckBackend backend() {
        return new MemoryTckBackend();
    }
}
