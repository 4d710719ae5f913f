package io.github.locker.tck.memory;

import io.github.locker.tck.AsyncLockerContract;
import io.github.locker.tck.MemoryTckBackend;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.TckBackend;
import io.github.locker.testing.MemoryLocks;

class MemoryAsyncLockerTest extends AsyncLockerContract {

    @Override
    protected TckBackend backend() {
        return new MemoryTckBackend();
    }

    @Override
    protected long entriesFor(String key) {
        return (MemoryLocks.isHeld("tck", Nodes.PREFIX, key) ? 1 : 0) + MemoryLocks.waiting("tck", Nodes.PREFIX, key);
    }
}
