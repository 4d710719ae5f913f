package consumer;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

class RedisAndEtcdConsumerTest {

    @Test
    void bothDriversTogetherBringOneNetty() {
        ClassPath jars = ClassPath.ofThisTest();
        jars.has("lettuce-core-");
        jars.has("jetcd-core-");
        jars.hasOneNettyVersion();
    }

    @Test
    void lockedMethodsHoldTheirLocksOnARealRedisAndARealEtcd() throws Exception {
        try (Servers.Server redis = Servers.redis();
                Servers.Server etcd = Servers.etcd();
                WeldContainer application = Application.boot(Map.of(
                        "locker.redis.driver", "redis", "redis.redis.uri", redis.address(),
                        "locker.etcd.driver", "etcd", "etcd.etcd.endpoints", etcd.address()))) {
            TwoBackendJobs jobs = application.select(TwoBackendJobs.class).get();
            assertFalse(jobs.onRedis("nightly"), "another thread took the Redis lock the @Locked method held");
            assertFalse(jobs.onEtcd("nightly"), "another thread took the etcd lock the @Locked method held");
        }
    }
}
