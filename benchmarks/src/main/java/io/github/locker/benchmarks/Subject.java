package io.github.locker.benchmarks;

import java.time.Duration;
import java.util.Arrays;

/** What a benchmark measures: ours on a driver, or one of its baselines. JMH names them by {@link #id}. */
enum Subject {
    OURS_REDIS("ours-redis", "ours (Redis)"),
    /** Raw Lettuce: SET NX PX, then a compare-and-delete script. Two round trips: the physical floor. */
    FLOOR_REDIS("floor-redis", "floor: raw Lettuce SET NX PX + compare-and-delete"),
    REDISSON("redisson", "Redisson RLock"),
    /** ShedLock's Redis provider on Spring Data Redis: SET NX PX, then DEL. No waiting, no fencing. */
    SHEDLOCK_REDIS("shedlock-redis", "ShedLock Redis provider (Spring Data Redis)"),
    OURS_ETCD("ours-etcd", "ours (etcd)"),
    /** Raw jetcd: a put-if-absent transaction on a lease, then a delete. Two round trips: the floor. */
    FLOOR_ETCD("floor-etcd", "floor: raw jetcd put-if-absent txn + delete"),
    /**
     * Raw jetcd sending the requests our driver sends for an uncontended cycle: the put-if-absent
     * transaction reads the lock's two newest-created keys too (ours' place in its queue), and the
     * delete is owner-checked (if its create revision is still ours). What ours costs beyond its
     * protocol. Not quite the same bytes: ours' transaction also has an else branch (a get of its
     * own key, never run uncontended) and a semaphore's value.
     */
    FLOOR_ETCD_SAME_REQUESTS("floor-etcd-same-requests", "raw jetcd with our requests: put-if-absent txn + queue read, checked delete"),
    /** etcd's own Lock service (v3lock), called through jetcd on an existing lease. */
    JETCD_LOCK("jetcd-lock", "jetcd Lock service");

    private final String id;
    private final String label;

    Subject(String id, String label) {
        this.id = id;
        this.label = label;
    }

    /** @return the name in JMH's {@code subject} parameter */
    String id() {
        return id;
    }

    /** @return what the report calls it */
    String label() {
        return label;
    }

    /**
     * @param measure what a figure measures, with its unit
     * @return the name of this subject's figure of it, in a benchmark that measures several subjects in one fork
     */
    String figure(String measure) {
        return id + ": " + measure;
    }

    /** @return whether it runs on Redis (else on etcd) */
    boolean onRedis() {
        return this == OURS_REDIS || this == FLOOR_REDIS || this == REDISSON || this == SHEDLOCK_REDIS;
    }

    /**
     * @param id a JMH parameter value
     * @return the subject of that name
     */
    static Subject of(String id) {
        return Arrays.stream(values()).filter(subject -> subject.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no benchmark subject '" + id + "'"));
    }

    /**
     * Connects one node of this subject to this run's server.
     *
     * @param lease the lease (watchdog timeout, TTL) its locks get; kept alive where the subject does that
     * @return a client that owns its connections
     */
    LockClient open(Duration lease) {
        return switch (this) {
            case OURS_REDIS -> OursClient.redis(lease);
            case FLOOR_REDIS -> new LettuceFloor(lease);
            case REDISSON -> new RedissonLocks(lease);
            case SHEDLOCK_REDIS -> new ShedLockRedis(lease);
            case OURS_ETCD -> OursClient.etcd(lease);
            case FLOOR_ETCD -> new EtcdFloor(lease, false);
            case FLOOR_ETCD_SAME_REQUESTS -> new EtcdFloor(lease, true);
            case JETCD_LOCK -> new JetcdLockService(lease);
        };
    }
}
