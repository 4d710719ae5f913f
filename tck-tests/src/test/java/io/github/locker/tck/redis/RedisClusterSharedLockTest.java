package io.github.locker.tck.redis;

import io.github.locker.tck.SharedLockContract;
import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.RedisClusterServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Shared and exclusive holds on a three-master Redis Cluster: every key of a lock on the node of its slot. */
class RedisClusterSharedLockTest extends SharedLockContract {
    @RegisterExtension
    static final RedisClusterServer CLUSTER = new RedisClusterServer();

    @Override
    protected TckBackend backend() {
        return new RedisClusterTckBackend(CLUSTER);
    }
}
