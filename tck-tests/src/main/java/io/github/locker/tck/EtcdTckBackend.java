package io.github.locker.tck;

import io.github.locker.tck.servers.EtcdServer;
import io.github.locker.tck.servers.ServerProcess;
import java.time.Duration;
import java.util.Map;

/** The etcd driver under the TCK, on an {@link EtcdServer} the test class registered. */
public final class EtcdTckBackend implements TckBackend {
    private final EtcdServer etcd;

    /** @param etcd the server: one member (its process is the one faults are injected into) or a cluster */
    public EtcdTckBackend(EtcdServer etcd) {
        this.etcd = etcd;
    }

    @Override
    public String driver() {
        return "etcd";
    }

    @Override
    public Map<String, String> section() {
        // 4 s: a new JVM's first request also opens the gRPC connection, slow on a loaded 2-core machine
        return Map.of("endpoints", etcd.endpoints(), "timeout", "4s");
    }

    @Override
    public ServerProcess server() {
        return etcd.process();
    }

    /** etcd leases are whole seconds, and at least 2 s with etcd's default election timeout. */
    @Override
    public Duration shortLease() {
        return Duration.ofSeconds(2);
    }

    /** The keys under the lock's name: the holder's and every waiter's. */
    /**
     * @param key a key of a locker made by {@link Nodes}
     * @return what the backend keeps for the key (see {@link AsyncLockerContract#entriesFor})
     */
    public long entriesFor(String key) {
        return etcd.countKeysUnder(Nodes.PREFIX + "/" + key + "/");
    }

    /** Every etcd acquisition is two raft writes and a few linearizable reads: fewer rounds prove the same. */
    @Override
    public int contentionIterations() {
        return 100;
    }
}
