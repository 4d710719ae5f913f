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
                        "locker.default.driver", "redis", "redis.default.uri", redis.address(),
                        "locker.etcd.driver", "etcd", "etcd.etcd.endpoints", etcd.address()))) {
            assertFalse(application.select(NightlyJob.class).get().runAlone("nightly"),
                    "another thread took the Redis lock the @Locked method held");
            assertFalse(application.select(EtcdJob.class).get().runAlone("nightly"),
                    "another thread took the etcd lock the @Locked method held");
        }
    }
}
