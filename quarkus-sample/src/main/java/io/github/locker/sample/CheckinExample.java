package io.github.locker.sample;

import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The older library's worked example, without CDI: a user may check in once a day, and two
 * "nodes" (two Lockers, each with its own Redis connection) receive the same request at the same
 * moment, several times over. Exactly one check-in is rewarded. Run by {@code demo.sh}.
 */
public final class CheckinExample {
    private CheckinExample() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
        LockerDriver redis = LockerDriver.find("redis").orElseThrow();
        List<LockerBackend> nodes = List.of(
                redis.connect(BackendConfig.of("redis", "demo", Map.of("uri", uri))),
                redis.connect(BackendConfig.of("redis", "demo", Map.of("uri", uri))));
        Set<String> rewarded = ConcurrentHashMap.newKeySet();
        LockOptions options = LockOptions.defaults().withWaitTime(Duration.ofSeconds(3)).withLeaseTime(Duration.ofSeconds(10));
        String uid = "u42";
        String day = LocalDate.now().toString();
        ExecutorService requests = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> answers = new ArrayList<>();
        try {
            for (int request = 0; request < 8; request++) {
                Locker locker = nodes.get(request % 2).locker("demo", options, "demo:");
                String node = "node-" + (request % 2 + 1);
                answers.add(requests.submit(() -> {
                    go.await();
                    try (Lock lock = locker.lock("checkin:" + uid + ":" + day)) {
                        boolean first = rewarded.add(uid + ":" + day);
                        return node + " held the lock (fencing token " + lock.fencingToken() + "): "
                                + (first ? "10 points and a coupon for " + uid : uid + " has already checked in today");
                    }
                }));
            }
            go.countDown();
            for (Future<String> answer : answers) {
                System.out.println(answer.get());
            }
        } finally {
            requests.shutdownNow();
            nodes.forEach(LockerBackend::close);
        }
        System.out.println(rewarded.size() == 1 ? "OK: rewarded exactly once" : "WRONG: rewarded " + rewarded.size() + " times");
    }
}
