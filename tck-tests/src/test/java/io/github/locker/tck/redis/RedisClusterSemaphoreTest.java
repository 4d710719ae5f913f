package io.github.locker.tck.redis;

import io.github.locker.tck.SemaphoreContract;
import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.RedisClusterServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Semaphores on a three-master Redis Cluster: every key of a semaphore on the node of its slot. */
class RedisClusterSemaphoreTest extends SemaphoreContract {
    @RegisterExtension
    static final RedisClusterServer CLUSTER = new RedisClusterServer();

    @Override
    protected TckBackend backend() {
        return new RedisClusterTckBackend(CLUSTER);
    }
}
