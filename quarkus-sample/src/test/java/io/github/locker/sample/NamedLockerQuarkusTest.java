package io.github.locker.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.Lock;
import io.github.locker.Locker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** On Quarkus ArC (the build-compatible extension's path), a configured locker is injected by name and as the default. */
@QuarkusTest
@WithTestResource(RedisResource.class)
class NamedLockerQuarkusTest {
    @Inject
    @Named("main")
    Locker named;

    @Inject
    Locker theOnlyOne;

    @Test
    void theNamedLockerLocksOnRedisWithItsConfiguredDefaults() {
        String key = "quarkus:" + UUID.randomUUID();
        try (Lock lock = named.lock(key)) {
            assertThat(lock.isHeld()).isTrue();
            // another thread: the same thread would re-enter its own lock
            assertThat(CompletableFuture.supplyAsync(() -> theOnlyOne.tryLock(key)).join())
                    .as("the default locker, which is the only one, sees the lock held").isEmpty();
        }
        assertThat(named.name()).isEqualTo("main");
        assertThat(named.defaultOptions().waitTime()).contains(Duration.ofSeconds(3));
        assertThat(named.defaultOptions().leaseTime()).isEqualTo(Duration.ofSeconds(10));
    }
}
