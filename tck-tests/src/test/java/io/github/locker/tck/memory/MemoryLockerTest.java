package io.github.locker.tck.memory;

import io.github.locker.tck.MemoryTckBackend;
import io.github.locker.tck.SingleJvmLockerContract;
import io.github.locker.tck.TckBackend;

/** The in-memory driver passes the single-JVM contract on the public driver SPI alone. */
class MemoryLockerTest extends SingleJvmLockerContract {

    @Override
    protected TckBackend backend() {
        return new MemoryTckBackend();
    }
}
