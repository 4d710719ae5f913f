package io.github.locker.tck.redis;

import io.github.locker.tck.MultiNodeContract;
import io.github.locker.tck.servers.RedisServer;
import io.github.locker.tck.servers.ServerProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisMultiNodeTest extends MultiNodeContract {
    @RegisterExtension
    static final RedisServer REDIS = RedisServer.durable();

    @Override
    protected String driver() {
        return "redis";
    }

    @Override
    protected Map<String, String> backend() {
        return Map.of("uri", REDIS.uri(), "timeout", "2s");
    }

    @Override
    protected ServerProcess server() {
        return REDIS.process();
    }

    @Override
    protected Duration lease() {
        return Duration.ofSeconds(2);
    }
}
