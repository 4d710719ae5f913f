package io.github.locker.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.locker.Lock;
import io.github.locker.Locker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@code @Locked} on methods returning a {@code Uni} or a {@code CompletionStage}, called from a
 * Quarkus REST endpoint on the event loop: 200 simultaneous requests for one user are all served,
 * one locked body at a time, each body in its own request's duplicated context, and no thread that
 * must not block ever blocks (BlockHound watches the whole JVM, the library's Redis I/O included).
 */
@QuarkusTest
@TestProfile(LockedUniWithoutBlockingQuarkusTest.ReactiveCheckinsOn.class)
@WithTestResource(RedisResource.class)
@WithTestResource(BlockHoundResource.class)
class LockedUniWithoutBlockingQuarkusTest {
    private static final int REQUESTS = 200;

    /** The application with the {@link ReactiveCheckins} in it. */
    public static class ReactiveCheckinsOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(ReactiveCheckins.ENABLED, "enabled");
        }
    }

    @TestHTTPResource("/")
    URI root;
    /** The locker {@code @Locked} uses when it names none. */
    @Inject
    Locker locker;
    @Inject
    Vertx vertx;
    @Inject
    ReactiveCheckins checkins;

    @Test
    void twoHundredSimultaneousUniCheckInsOfOneUserRunOneAtATimeOnTheirRequestsContextsWithoutBlocking() {
        String uid = newUser();

        allServedOneAtATimeOnTheirOwnContextsWithoutBlocking(uid, "/reactive-checkins/" + uid);
    }

    @Test
    void twoHundredSimultaneousCompletionStageCheckInsOfOneUserRunOneAtATimeOnTheirRequestsContextsWithoutBlocking() {
        String uid = newUser();

        allServedOneAtATimeOnTheirOwnContextsWithoutBlocking(uid, "/reactive-checkins/" + uid + "/as-stage");
    }

    @Test
    void aUniNoOneSubscribesToTakesNoLockAndRunsNoBody() {
        String uid = newUser();

        checkins.checkIn(uid);

        assertThat(checkins.ranFor(uid)).as("the body ran").isFalse();
        assertLockFree(uid);
    }

    /** The detector's own check: without it, an empty list of reports could mean BlockHound was watching nothing. */
    @Test
    void aSleepOnAnEventLoopIsReported() {
        vertx.getOrCreateContext().runOnContext(ignored -> sleepOnTheEventLoopOnPurpose());

        List<BlockHoundResource.BlockingCall> caught = await().atMost(Duration.ofSeconds(10)).until(
                () -> BlockHoundResource.take(call -> call.cameThrough(getClass().getName(), "sleepOnTheEventLoopOnPurpose")),
                calls -> !calls.isEmpty());

        assertThat(caught).singleElement().satisfies(call -> {
            assertThat(call.thread()).startsWith("vert.x-eventloop-thread-");
            assertThat(call.method()).startsWith("java.lang.Thread.sleep");
        });
    }

    private static void sleepOnTheEventLoopOnPurpose() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static String newUser() {
        return "u-" + UUID.randomUUID();
    }

    private void allServedOneAtATimeOnTheirOwnContextsWithoutBlocking(String uid, String path) {
        List<CompletableFuture<Http.Answer>> answers = sendAtOnce(path);
        // first: a blocked event loop explains whatever fails below (requests timing out, bodies on other threads)
        assertNothingBlocked();
        List<Http.Answer> served = answers.stream().map(CompletableFuture::join).toList();

        assertThat(served).as("every request served").extracting(Http.Answer::status).containsOnly(200);
        assertThat(served).as("the resource method ran on the event loop, in the request's duplicated context")
                .allSatisfy(answer -> {
                    assertThat(answer.body().path("resourceOnEventLoop").asBoolean()).isTrue();
                    assertThat(answer.body().path("callerContextDuplicated").asBoolean()).isTrue();
                });
        assertThat(served).as("each locked body ran in its own request's context (the body's thread is in the answer)")
                .allSatisfy(answer -> assertThat(answer.body().path("bodyOnCallerContext").asBoolean())
                        .as(answer.raw()).isTrue());
        assertThat(served.stream().mapToInt(answer -> answer.body().path("bodiesRunning").asInt()).max())
                .as("the most locked bodies of the user running at once").hasValue(1);
        assertThat(served.stream().map(answer -> answer.body().path("bodyThread").asText()).distinct().count())
                .as("event loops the requests came in on: the lock passed from one to another").isGreaterThan(1);
        assertLockFree(uid);
        assertNothingBlocked();
    }

    /** All the requests in flight at once from this thread; returns once every one is answered or has failed. */
    private List<CompletableFuture<Http.Answer>> sendAtOnce(String path) {
        List<CompletableFuture<Http.Answer>> answers = IntStream.range(0, REQUESTS)
                .mapToObj(request -> Http.postAsync(root, path)).toList();
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(failed -> null)
                .orTimeout(60, TimeUnit.SECONDS).join();
        return answers;
    }

    /** The user's lock is free: every lock was given back (a release may trail its answer a little), or none taken. */
    private void assertLockFree(String uid) {
        await("the user's lock free").atMost(Duration.ofSeconds(5)).until(() -> {
            Optional<Lock> free = locker.tryLock(ReactiveCheckins.KEY_PREFIX + uid);
            free.ifPresent(Lock::unlock);
            return free.isPresent();
        });
    }

    private static void assertNothingBlocked() {
        assertThat(BlockHoundResource.take(call -> true)).as("blocking calls on threads that must not block").isEmpty();
    }
}
