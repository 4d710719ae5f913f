package consumer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.locker.Locker;
import java.util.Map;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

class RedisOnlyConsumerTest {

    @Test
    void theRedisDriverAloneBringsOneNettyAndNothingOfEtcd() {
        ClassPath jars = ClassPath.ofThisTest();
        jars.has("lettuce-core-");
        jars.hasNone("grpc-", "jetcd-", "vertx-");
        jars.hasOneNettyVersion();
    }

    @Test
    void aLockedMethodHoldsItsLockOnARealRedis() throws Exception {
        try (Servers.Server redis = Servers.redis();
                WeldContainer application = Application.boot(Map.of("locker.main.driver", "redis",
                        "redis.main.uri", redis.address()))) {
            assertFalse(application.select(NightlyJob.class).get().runAlone("nightly"),
                    "another thread took the lock the @Locked method held");
            assertTrue(application.select(Locker.class).get().tryLock("job:nightly").isPresent(), "released afterwards");
        }
    }
}
