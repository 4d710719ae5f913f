package io.github.locker.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The keep-alive of every lock held through one backend: a tick every {@value #TICK_MILLIS} ms
 * renews all locks then due with one script call (one per hash slot on a Cluster, and per renewal
 * script: exclusive locks apart from shares and permits; at most {@value #MOST_PER_CALL} locks a
 * call), so renewal calls are bounded by the tick rate, not by the number of locks held. A lock is
 * renewed at a third of its lease, up to one tick late. It looks through the backend's held leases
 * for those kept alive and due, so taking and releasing a lock costs it nothing.
 */
final class RenewalBatch {
    static final long TICK_MILLIS = 50;
    static final int MOST_PER_CALL = 500;

    private final RedisBackend backend;
    private final boolean cluster;

    RenewalBatch(RedisBackend backend, boolean cluster, ScheduledExecutorService scheduler) {
        this.backend = backend;
        this.cluster = cluster;
        scheduler.scheduleWithFixedDelay(this::renewDue, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void renewDue() {
        long now = System.nanoTime();
        Map<List<Object>, List<RedisLease>> dueBySlot = backend.held().stream().filter(lease -> lease.renewalDue(now))
                // a script's keys must share a hash slot on a Cluster; anywhere else one call takes them all
                .collect(Collectors.groupingBy(lease -> List.of(lease.hold().renew(),
                        cluster ? Utf8Codec.slotOf(lease.hold().renewKeys()[0]) : 0)));
        for (List<RedisLease> slot : dueBySlot.values()) {
            for (int from = 0; from < slot.size(); from += MOST_PER_CALL) {
                renew(slot.subList(from, Math.min(slot.size(), from + MOST_PER_CALL)));
            }
        }
    }

    /** @param leases due leases of one slot and one renewal script */
    private void renew(List<RedisLease> leases) {
        RedisScript script = leases.get(0).hold().renew();
        List<String> keys = new ArrayList<>(leases.size() * leases.get(0).hold().renewKeys().length);
        List<String> arguments = new ArrayList<>(2 * leases.size());
        for (RedisLease lease : leases) {
            lease.renewalSent();
            keys.addAll(Arrays.asList(lease.hold().renewKeys()));
            arguments.add(lease.owner());
        }
        leases.forEach(lease -> arguments.add(Long.toString(lease.leaseMillis())));
        long sentAt = System.nanoTime();
        // a renewal unanswered for the shortest lease's third is as good as failed: the lease runs on
        long patience = Math.max(1, leases.stream().mapToLong(RedisLease::leaseMillis).min().orElse(3) / 3);
        CompletableFuture<List<Long>> answer = backend.run(script, keys.toArray(String[]::new),
                arguments.toArray(String[]::new));
        answer.orTimeout(patience, TimeUnit.MILLISECONDS).whenComplete((renewed, failure) -> {
            for (int i = 0; i < leases.size(); i++) {
                leases.get(i).renewalAnswered(sentAt, failure == null && renewed.get(i) == 1L, failure);
            }
        });
    }
}
