package io.github.locker.tck.redis;

import io.github.locker.tck.MultiNodeContract;
import io.github.locker.tck.RedisTckBackend;
import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.RedisServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** On a Redis that keeps its data across the restart case's restart (AOF, fsync always). */
class RedisMultiNodeTest extends MultiNodeContract {
    @RegisterExtension
    static final RedisServer REDIS = RedisServer.durable();

    @Override
    protected TckBackend backend() {
        return new RedisTckBackend(REDIS);
    }
}
