package com.example;

import io.github.locker.LockContext;
import io.github.locker.Locked;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

@ApplicationScoped
public class Checkins {
    /** Stands in for your database: user and day to the fencing token of the lock that rewarded them. */
    private final Map<String, Long> rewards = new ConcurrentHashMap<>();

    @Inject
    LockContext locks;

    /**
     * Runs on one node at a time per user and day: the key is built from the arguments. Waits up
     * to 3 s for the lock, then fails with LockTimeoutException.
     *
     * @return true for the one call that rewarded the user today
     */
    @Locked(key = "checkin:{uid}:{day}", waitTime = "3s")
    public boolean checkIn(String uid, LocalDate day) {
        long token = locks.current().orElseThrow().fencingToken();
        // a real store keeps the highest token it has seen and rejects writes with a lower one
        return rewards.putIfAbsent(uid + ":" + day, token) == null;
    }
}
