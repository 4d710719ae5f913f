package io.github.locker.tck.redis;

import io.github.locker.tck.RedisTckBackend;
import io.github.locker.tck.SemaphoreContract;
import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.RedisServer;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisSemaphoreTest extends SemaphoreContract {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Override
    protected TckBackend backend() {
        return new RedisTckBackend(REDIS);
    }
}
