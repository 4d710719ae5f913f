package io.github.locker.tck.cdi;

import io.github.locker.tck.servers.RedisServer;
import io.github.locker.tck.servers.ServerProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisLockedInterceptorTest extends LockedInterceptorContract {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Override
    protected Map<String, String> configuration() {
        return Map.of("locker.main.driver", "redis", "locker.main.lease-time", shortLease().toMillis() + "ms",
                "redis.main.uri", REDIS.uri(), "redis.main.timeout", "2s");
    }

    @Override
    protected ServerProcess server() {
        return REDIS.process();
    }

    @Override
    protected Duration shortLease() {
        return Duration.ofMillis(600);
    }
}
