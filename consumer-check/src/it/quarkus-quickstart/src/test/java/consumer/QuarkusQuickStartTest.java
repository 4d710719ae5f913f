package consumer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.Checkins;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's Quarkus quick start as pasted, its Redis URI pointed at a real server the test resource starts. */
@QuarkusTest
@QuarkusTestResource(QuarkusQuickStartTest.RealRedis.class)
class QuarkusQuickStartTest {

    /** Starts a redis-server before Quarkus does, and points redis.main.uri at it. */
    public static class RealRedis implements QuarkusTestResourceLifecycleManager {
        private Servers.Server redis;

        @Override
        public Map<String, String> start() {
            try {
                redis = Servers.redis();
            } catch (Exception failed) {
                throw new IllegalStateException(failed);
            }
            return Map.of("redis.main.uri", redis.address());
        }

        @Override
        public void stop() {
            try {
                redis.close();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Inject
    Checkins checkins;

    @Test
    void theLockedMethodRewardsTheFirstCheckInOnly() {
        assertTrue(checkins.checkIn("user-1", LocalDate.now()));
        assertFalse(checkins.checkIn("user-1", LocalDate.now()));
    }
}
