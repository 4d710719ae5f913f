package io.github.locker.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The settlement leader task and {@code GET /leader}, with a second "instance" played by a locker of the test's own. */
@QuarkusTest
@WithTestResource(RedisResource.class)
class LeaderQuarkusTest {
    @TestHTTPResource("/")
    URI root;
    @Inject
    DailySettlement settlement;
    @ConfigProperty(name = "redis.main.uri")
    String redisUri;

    @Test
    void theOnlyInstanceLeadsAndSettlesTodaysCheckIns() {
        String uid = "u-" + UUID.randomUUID();
        assertThat(Http.post(root, "/checkins/" + uid).status()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Http.Answer leader = Http.get(root, "/leader");
            Http.Answer today = Http.get(root, "/checkins");
            assertThat(leader.body().path("node").asText()).isEqualTo("node-1");
            assertThat(leader.body().path("leader").asBoolean()).isTrue();
            assertThat(leader.body().path("task").asText()).isEqualTo("settle-checkins");
            assertThat(today.body().path("rewardsPerUser").path(uid).asLong()).isEqualTo(1);
            assertThat(today.body().path("settlement").path("settledBy").asText()).isEqualTo("node-1");
            assertThat(today.body().path("settlement").path("users").asInt())
                    .as("the settlement counts every user of the day").isEqualTo(today.body().path("rewardsPerUser").size());
        });
    }

    @Test
    void whileAnotherInstanceHoldsTheTaskThisOneWaitsAndTakesOverWhenItIsReleased() throws InterruptedException {
        settlement.stop();
        try (LockerBackend otherInstance = LockerDriver.find("redis").orElseThrow()
                .connect(BackendConfig.of("redis", "other", Map.of("uri", redisUri)))) {
            Lock held = otherInstance.locker("main", LockOptions.defaults(), "locker:").lock(settlement.key());
            settlement.start();

            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> !Http.get(root, "/leader").body().path("leader").asBoolean());
            long releasedAt = System.nanoTime();
            held.unlock();
            await().atMost(Duration.ofSeconds(2)).until(() -> Http.get(root, "/leader").body().path("leader").asBoolean());
            System.out.printf("[sample] the task's lock released by another instance: this one leads %d ms later%n",
                    (System.nanoTime() - releasedAt) / 1_000_000);
        } finally {
            settlement.start();
        }
    }
}
