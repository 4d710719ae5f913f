package io.github.locker.tck.payara.ejb;

import io.github.locker.Locked;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A plain CDI bean beside the EJBs, in the same deployment, with the same kind of {@code @Locked} method. */
@ApplicationScoped
public class ApplicationScopedSections {
    @Inject
    Occupancy occupancy;

    /**
     * @param key the lock key's variable part
     * @param holdMillis how long to stay under the lock
     * @return the lock's fencing token, as seen inside
     * @throws InterruptedException when the test gives up
     */
    @Locked(key = "bean:{key}")
    public long section(String key, long holdMillis) throws InterruptedException {
        return occupancy.stay("application-scoped", holdMillis);
    }
}
