package io.github.locker.sample;

import io.github.locker.Locked;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A check-in the reactive way, for {@link LockedUniWithoutBlockingQuarkusTest}: {@code @Locked}
 * methods returning a {@link Uni} and a {@link CompletionStage}, whose bodies wait for a Vert.x
 * timer instead of a thread (it stands in for a reactive store's answer) and tell what they saw.
 *
 * <p>Only in that test's application ({@value #ENABLED}{@code =enabled}): a library that refuses
 * {@code @Locked} on a {@code Uni} fails the build of any application holding one, and the other
 * tests' application must keep starting.
 */
@ApplicationScoped
@IfBuildProperty(name = ReactiveCheckins.ENABLED, stringValue = "enabled")
public class ReactiveCheckins {
    /** The build-time property that brings the reactive check-ins into the application. */
    static final String ENABLED = "sample.reactive-checkins";
    /** The lock of a user's check-in is this and the user. */
    static final String KEY_PREFIX = "reactive-checkin:";
    /** Long enough for the other requests to pile up on the lock while one body runs. */
    private static final long STORE_ANSWER_MILLIS = 3;
    /**
     * The last of the test's 200 requests waits for the 199 before it, 2 to 3 s here. No longer:
     * a library that blocks the event loop while it waits deadlocks it (the holder's timer needs
     * that event loop), and the JVM only ends after one full wait per request queued there.
     */
    private static final String WAIT = "10s";

    @Inject
    Vertx vertx;

    private final Map<String, AtomicInteger> bodiesRunning = new ConcurrentHashMap<>();

    /**
     * What one locked body saw when it started.
     *
     * @param context the Vert.x context it ran on, or null on a thread without one
     * @param thread the thread it ran on
     * @param bodiesRunning how many bodies for the same user were running then, this one included
     */
    public record Section(Context context, String thread, int bodiesRunning) {
    }

    /**
     * @param uid the user checking in
     * @return what the body saw, once its timer has fired
     */
    @Locked(key = KEY_PREFIX + "{uid}", waitTime = WAIT)
    public Uni<Section> checkIn(String uid) {
        return lockedBody(uid);
    }

    /**
     * @param uid the user checking in
     * @return what the body saw, once its timer has fired
     */
    @Locked(key = KEY_PREFIX + "{uid}", waitTime = WAIT)
    public CompletionStage<Section> checkInAsStage(String uid) {
        return lockedBody(uid).subscribeAsCompletionStage();
    }

    /** @return whether a locked body has started for the user */
    boolean ranFor(String uid) {
        return bodiesRunning.containsKey(uid);
    }

    /**
     * Counts itself in when the method body starts, which must be once the lock is held, and out
     * when its work ends, which must be before the lock is released: a count above one is two
     * bodies inside the same lock at once.
     */
    private Uni<Section> lockedBody(String uid) {
        AtomicInteger running = bodiesRunning.computeIfAbsent(uid, any -> new AtomicInteger());
        Section seen = new Section(Vertx.currentContext(), Thread.currentThread().getName(), running.incrementAndGet());
        return Uni.createFrom().<Section>emitter(answer -> vertx.setTimer(STORE_ANSWER_MILLIS, timer -> answer.complete(seen)))
                .onTermination().invoke(running::decrementAndGet);
    }
}
