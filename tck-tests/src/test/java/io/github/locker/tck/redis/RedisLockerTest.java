package io.github.locker.tck.redis;

import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import io.github.locker.tck.LockerContract;
import io.github.locker.tck.servers.RedisServer;
import io.github.locker.tck.servers.ServerProcess;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisLockerTest extends LockerContract {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Override
    protected LockerBackend connectNode() {
        return LockerDriver.find("redis").orElseThrow()
                .connect(BackendConfig.of("redis", "test", Map.of("uri", REDIS.uri(), "timeout", "2s")));
    }

    @Override
    protected ServerProcess server() {
        return REDIS.process();
    }
}
