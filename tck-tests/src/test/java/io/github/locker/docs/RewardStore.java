package io.github.locker.docs;

import java.time.LocalDate;

/** The store the documentation's examples write to: it rejects a write whose fencing token is older than its last. */
public interface RewardStore {

    /** A reward, or the answer that the user already had one. */
    record Reward(String uid, LocalDate day, boolean granted) {
    }

    Reward rewardOnce(String uid, LocalDate day, long fencingToken);

    void settle(LocalDate day, long fencingToken);

    void buildReport();
}
