package io.github.locker.testing;

import io.github.locker.LockLost;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.core.DriverRuntime;
import io.github.locker.spi.LockerBackend;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** One "connection" to a {@link MemoryStore}: its lockers, its runtime, and the leases they hold, released at close. */
final class MemoryBackend implements LockerBackend {
    private static final Logger LOG = Logger.getLogger(MemoryBackend.class.getName());

    private final String id;
    private final MemoryStore store;
    private final DriverRuntime runtime = new DriverRuntime("locker-memory");
    private final Set<MemoryLease> held = ConcurrentHashMap.newKeySet();
    /** Distinguishes this backend's owner tokens from another's, as a client id would on a server. */
    private final String ownerPrefix = UUID.randomUUID() + ":";

    MemoryBackend(String id, MemoryStore store) {
        this.id = id;
        this.store = store;
        LOG.log(Level.WARNING, "Locker backend memory.{0} keeps its locks in this JVM only: another process does not "
                + "see them. It is for tests; between nodes use the redis or etcd driver.", id);
    }

    // snippet:backend:start
    @Override
    public Locker locker(String name, LockOptions defaults, String keyPrefix, Consumer<LockLost> onLost) {
        return runtime.locker(name, defaults, new MemoryEngine(this, keyPrefix), onLost);
    }

    @Override
    public String describe() {
        return "memory:" + id + " (this JVM only)";
    }

    @Override
    public void ping(Duration timeout) {
        // always reachable: the store is in this JVM
    }

    /** Stops the leader loops, releases every lock still held (other lockers take them at once), then stops the runtime. */
    @Override
    public void close() {
        runtime.stopLoops();
        List.copyOf(held).forEach(MemoryLease::release);
        runtime.close();
    }
    // snippet:backend:end

    MemoryStore store() {
        return store;
    }

    DriverRuntime runtime() {
        return runtime;
    }

    Set<MemoryLease> held() {
        return held;
    }

    String newOwnerToken() {
        return ownerPrefix + UUID.randomUUID();
    }
}
