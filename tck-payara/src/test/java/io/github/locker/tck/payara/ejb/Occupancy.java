package io.github.locker.tck.payara.ejb;

import io.github.locker.LockContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The witness of the EJB test: each bean's {@code @Locked} method stays here a while, and this
 * bean counts how many callers were inside at once, per bean under test. It knows nothing of the
 * lock, so it sees what the lock did, whatever kind of bean took it.
 */
@ApplicationScoped
public class Occupancy {
    private final Map<String, AtomicInteger> inside = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> mostInsideAtOnce = new ConcurrentHashMap<>();

    @Inject
    LockContext context;

    /**
     * @param bean which bean is inside
     * @param holdMillis how long to stay
     * @return the fencing token of the lock the calling method holds, as business code reads it
     * @throws InterruptedException when the test gives up
     */
    public long stay(String bean, long holdMillis) throws InterruptedException {
        long token = context.current().orElseThrow(() -> new IllegalStateException(bean + " runs without a lock")).fencingToken();
        AtomicInteger now = inside.computeIfAbsent(bean, name -> new AtomicInteger());
        mostInsideAtOnce.computeIfAbsent(bean, name -> new AtomicInteger()).accumulateAndGet(now.incrementAndGet(), Math::max);
        try {
            TimeUnit.MILLISECONDS.sleep(holdMillis);
        } finally {
            now.decrementAndGet();
        }
        return token;
    }

    /**
     * @param bean a bean under test
     * @return the most callers it had inside at once since the last call of this method
     */
    public int takeMostInsideAtOnce(String bean) {
        return mostInsideAtOnce.computeIfAbsent(bean, name -> new AtomicInteger()).getAndSet(0);
    }
}
