package io.github.locker.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.locker.Lock;
import io.github.locker.Locker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code POST /checkins/{uid}} on a real Redis: rewarded once a day, clear answers when it cannot be. */
@QuarkusTest
@WithTestResource(RedisResource.class)
class CheckinQuarkusTest {
    @TestHTTPResource("/")
    URI root;
    @Inject
    @Named("main")
    Locker locker;
    @Inject
    CheckinStore store;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }

    private static String newUser() {
        return "u-" + UUID.randomUUID();
    }

    @Test
    void theFirstCheckInOfTheDayIsRewardedAndTheSecondIsToldItAlreadyCheckedIn() {
        String uid = newUser();
        Http.Answer first = Http.post(root, "/checkins/" + uid);
        Http.Answer second = Http.post(root, "/checkins/" + uid);

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.body().path("outcome").asText()).isEqualTo("rewarded");
        assertThat(first.body().path("message").asText()).contains(uid + " checked in on " + LocalDate.now())
                .contains(Checkins.POINTS + " points");
        assertThat(first.header("X-Node")).isEqualTo("node-1");
        assertThat(Double.parseDouble(first.header("X-Lock-Wait-Ms"))).isGreaterThanOrEqualTo(0);

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body().path("outcome").asText()).isEqualTo("already-checked-in");
        assertThat(second.body().path("message").asText()).contains(uid + " has already checked in on " + LocalDate.now());
        assertThat(second.body().path("checkin").path("coupon").asText())
                .isEqualTo(first.body().path("checkin").path("coupon").asText());
        assertThat(store.points(uid)).isEqualTo(Checkins.POINTS);
    }

    @Test
    void fiftySimultaneousCheckInsOfOneUserRewardItOnce() throws Exception {
        String uid = newUser();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Http.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answers.add(threads.submit(() -> {
                go.await();
                return Http.post(root, "/checkins/" + uid);
            }));
        }
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Http.Answer> answer : answers) {
            statuses.add(answer.get(60, TimeUnit.SECONDS).status());
        }

        assertThat(statuses.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting())))
                .isEqualTo(Map.of(201, 1L, 200, 49L));
        assertThat(store.rewardsPerUser(LocalDate.now())).containsEntry(uid, 1L);
        assertThat(store.points(uid)).isEqualTo(Checkins.POINTS);
    }

    @Test
    void aCheckInThatCannotGetTheLockInTimeAnswers409WithAMessageAndNoStackTrace() throws Exception {
        String uid = newUser();
        try (Lock held = locker.lock("checkin:" + uid + ":" + LocalDate.now())) {
            // another thread: the holding thread itself would re-enter its own lock
            Http.Answer busy = CompletableFuture.supplyAsync(() -> Http.post(root, "/checkins/" + uid), threads)
                    .get(30, TimeUnit.SECONDS);

            assertThat(busy.status()).isEqualTo(409);
            assertThat(busy.body().path("outcome").asText()).isEqualTo("busy");
            assertThat(busy.body().path("message").asText()).startsWith("Another request is checking " + uid + " in");
            assertThat(busy.body().path("detail").asText()).contains("was still held by another owner after waiting PT3S");
            assertThat(Double.parseDouble(busy.header("X-Lock-Wait-Ms"))).isGreaterThanOrEqualTo(3000);
            assertThat(busy.raw()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        assertThat(Http.post(root, "/checkins/" + uid).status()).as("once the lock is free").isEqualTo(201);
    }

    @Test
    void theStoreRejectsAWriteFencedWithAnOlderToken() {
        String uid = newUser();
        LocalDate day = LocalDate.of(2001, 1, 1).plusDays(Math.floorMod(uid.hashCode(), 3650));
        store.reward(uid, day, 100, "node-x", Checkins.POINTS, "C-1");

        assertThatThrownBy(() -> store.reward(uid, day, 99, "node-y", Checkins.POINTS, "C-2"))
                .isInstanceOf(StaleTokenException.class).hasMessageContaining("token 99").hasMessageContaining("token 100");
        assertThat(store.find(uid, day).orElseThrow().node()).as("the older writer changed nothing").isEqualTo("node-x");
        store.reward(uid, day, 100, "node-x", Checkins.POINTS, "C-1");

        store.settle(day, 7, "node-x");
        assertThatThrownBy(() -> store.settle(day, 6, "node-y")).isInstanceOf(StaleTokenException.class);
        assertThat(store.settlement(day).orElseThrow().settledBy()).isEqualTo("node-x");
    }

    @Test
    void withTheLockServiceDownACheckInAnswers503WithAMessage() {
        RedisResource.server().process().kill();
        try {
            Http.Answer down = Http.post(root, "/checkins/" + newUser());

            assertThat(down.status()).isEqualTo(503);
            assertThat(down.body().path("outcome").asText()).isEqualTo("unavailable");
            assertThat(down.body().path("message").asText()).contains("try again");
            assertThat(down.raw()).doesNotContain("\tat ");
        } finally {
            RedisResource.server().process().start();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> Http.post(root, "/checkins/" + newUser()).status() == 201);
    }
}
