package io.github.locker.sample;

import io.github.locker.Lock;
import io.github.locker.LockContext;
import io.github.locker.Locked;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The daily check-in of the older library's worked example: a user who checks in gets points and
 * a coupon, once per day, however many instances receive the request at the same moment.
 *
 * <p>The decision "not checked in yet, so reward" is a read followed by writes: two requests that
 * both read before either writes would both reward. {@code @Locked} makes the read-and-write
 * exclusive across instances, and the writes carry the lock's fencing token, so the store turns
 * away a writer whose lock had ended (a long pause) instead of letting it write after a newer holder.
 */
@ApplicationScoped
public class Checkins {
    /** The points one check-in earns. */
    public static final int POINTS = 10;

    @Inject
    LockContext locks;
    @Inject
    CheckinStore store;
    @ConfigProperty(name = "sample.node-id")
    String node;
    /** Stands in for the coupon service's answer time: the window two unlocked requests would both pass through. */
    @ConfigProperty(name = "sample.coupon-service-latency")
    Duration couponServiceLatency;

    /**
     * What a check-in did.
     *
     * @param rewarded true when this call granted the reward; false when the user had checked in already
     * @param checkin the user's check-in of the day
     * @param lockedAtNanos when the lock was held, on the monotonic clock
     */
    public record Outcome(boolean rewarded, Checkin checkin, long lockedAtNanos) {
    }

    /**
     * Checks {@code uid} in for {@code day}, under the lock {@code checkin:<uid>:<day>} of the
     * default locker, waiting for it up to the locker's wait time ({@code locker.main.wait-time}).
     *
     * @param uid the user
     * @param day the day
     * @return whether this call rewarded the user, and the check-in
     * @throws io.github.locker.LockTimeoutException when the lock stayed held by another request for the whole wait
     * @throws StaleTokenException when the lock ended before the reward was written
     */
    @Locked(key = "checkin:{uid}:{day}")
    public Outcome checkIn(String uid, LocalDate day) {
        long lockedAt = System.nanoTime();
        Lock lock = locks.current().orElseThrow();
        Optional<Checkin> earlier = store.find(uid, day);
        if (earlier.isPresent()) {
            return new Outcome(false, earlier.get(), lockedAt);
        }
        String coupon = issueCoupon();
        return new Outcome(true, store.reward(uid, day, lock.fencingToken(), node, POINTS, coupon), lockedAt);
    }

    private String issueCoupon() {
        try {
            Thread.sleep(couponServiceLatency.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking for a coupon", interrupted);
        }
        return "COUPON-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(java.util.Locale.ROOT);
    }
}
