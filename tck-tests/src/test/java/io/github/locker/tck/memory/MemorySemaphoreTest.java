package io.github.locker.tck.memory;

import io.github.locker.tck.MemoryTckBackend;
import io.github.locker.tck.SemaphoreContract;
import io.github.locker.tck.TckBackend;

/** The in-memory driver passes the contract of leased semaphores. */
class MemorySemaphoreTest extends SemaphoreContract {

    @Override
    protected TckBackend backend() {
        return new MemoryTckBackend();
    }
}
