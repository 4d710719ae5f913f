package io.github.locker.tck.payara.ejb;

import io.github.locker.Locked;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;

/**
 * A singleton session bean with a {@code @Locked} business method. With the default
 * container-managed {@code @Lock(WRITE)} the container itself would let one call in at a time,
 * and exclusion would prove nothing about {@code @Locked}: {@code READ} lets every call in at once.
 */
@Singleton
@Lock(LockType.READ)
public class SingletonSections {
    @Inject
    Occupancy occupancy;

    /**
     * @param key the lock key's variable part
     * @param holdMillis how long to stay under the lock
     * @return the lock's fencing token, as seen inside
     * @throws InterruptedException when the test gives up
     */
    @Locked(key = "singleton:{key}")
    public long section(String key, long holdMillis) throws InterruptedException {
        return occupancy.stay("singleton", holdMillis);
    }
}
