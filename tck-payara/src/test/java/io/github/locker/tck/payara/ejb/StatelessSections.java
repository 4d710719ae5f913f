package io.github.locker.tck.payara.ejb;

import io.github.locker.Locked;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.List;

/** A stateless session bean with {@code @Locked} business methods: its calls land on pooled instances, the lock spans them. */
@Stateless
public class StatelessSections {
    @Inject
    Occupancy occupancy;
    @Inject
    CompletionNotes completions;

    /**
     * @param key the lock key's variable part
     * @param holdMillis how long to stay under the lock
     * @return the lock's fencing token, as seen inside
     * @throws InterruptedException when the test gives up
     */
    @Locked(key = "stateless:{key}")
    public long section(String key, long holdMillis) throws InterruptedException {
        return occupancy.stay("stateless", holdMillis);
    }

    /**
     * @param key the lock key's variable part
     * @return "ran", when the lock came within 300 ms
     */
    @Locked(key = "stateless-wait:{key}", waitTime = "300ms")
    public String waitBriefly(String key) {
        return "ran";
    }

    /**
     * @param key the lock key's variable part
     * @param whileHeld what to do under the lock
     */
    @Locked(key = "stateless-lost:{key}")
    public void outliveTheLease(String key, Runnable whileHeld) {
        whileHeld.run();
    }

    /**
     * Runs in the container's transaction (REQUIRED, the default): the EJB container begins it
     * before any interceptor runs and commits it after the last one returned, so the lock is
     * released before the commit.
     *
     * @param key the lock key's variable part
     * @param notes what the transaction saw when it completed
     */
    @Locked(key = "stateless-tx:{key}")
    public void inTheContainersTransaction(String key, List<String> notes) {
        completions.inTheCallersTransaction(notes);
    }

    /**
     * The remedy the README gives: no container transaction around the lock; the work commits in a
     * transaction of its own, inside the lock.
     *
     * @param key the lock key's variable part
     * @param notes what the transaction saw when it completed
     */
    @Locked(key = "stateless-tx:{key}")
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void aroundItsOwnTransaction(String key, List<String> notes) {
        completions.inANewTransaction(notes);
    }
}
