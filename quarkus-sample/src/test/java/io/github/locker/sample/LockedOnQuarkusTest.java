package io.github.locker.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@code @Locked} interceptor on ArC: concurrent increments under the lock lose nothing, and every write carries a newer token. */
@QuarkusTest
@WithTestResource(RedisResource.class)
class LockedOnQuarkusTest {
    @Inject
    Counters counters;

    @Test
    void concurrentIncrementsUnderTheLockLoseNothing() throws Exception {
        String name = "quarkus-" + UUID.randomUUID();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(threads.submit(() -> {
                    for (int j = 0; j < 25; j++) {
                        counters.increment(name);
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(counters.count(name)).isEqualTo(200);
    }
}
