package io.github.locker.docs;

import io.github.locker.Lock;
import io.github.locker.LockMode;
import io.github.locker.LockOptions;
import io.github.locker.Locked;
import io.github.locker.Locker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;

/** The read-write lock and semaphore examples of docs/locks.md. */
@ApplicationScoped
public class SharedAndPermits {
    @Inject
    Locker locker;

    // snippet:read-write:start
    @Locked(key = "price-list:{shop}", mode = LockMode.SHARED) // many readers at once, on every node
    public String readPrices(String shop) {
        return "prices of " + shop;
    }

    @Locked(key = "price-list:{shop}") // exclusive: no reader and no other writer beside it
    public void replacePrices(String shop, String prices) {
    }
    // snippet:read-write:end

    // snippet:permits:start
    @Locked(key = "payment-provider", permits = 5, waitTime = "2s") // at most 5 calls at once across all nodes
    public String charge(String order) {
        return "charged " + order;
    }
    // snippet:permits:end

    String chargeByHand(String order) {
        // snippet:permits-api:start
        LockOptions onePermitOfFive = LockOptions.defaults().withPermits(5).withWaitTime(Duration.ofSeconds(2));
        try (Lock permit = locker.lock("payment-provider", onePermitOfFive)) {
            return "charged " + order + " under permit " + permit.fencingToken();
        }
        // snippet:permits-api:end
    }
}
