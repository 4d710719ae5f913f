package consumer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.locker.Locker;
import java.util.Map;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

class EtcdOnlyConsumerTest {

    @Test
    void theEtcdDriverAloneBringsOneNettyAndNothingOfRedis() {
        ClassPath jars = ClassPath.ofThisTest();
        jars.has("jetcd-core-");
        jars.hasNone("lettuce-", "reactor-");
        jars.hasOneNettyVersion();
    }

    @Test
    void aLockedMethodHoldsItsLockOnARealEtcd() throws Exception {
        try (Servers.Server etcd = Servers.etcd();
                WeldContainer application = Application.boot(Map.of("locker.main.driver", "etcd",
                        "etcd.main.endpoints", etcd.address()))) {
            assertFalse(application.select(NightlyJob.class).get().runAlone("nightly"),
                    "another thread took the lock the @Locked method held");
            assertTrue(application.select(Locker.class).get().tryLock("job:nightly").isPresent(), "released afterwards");
        }
    }
}
