package io.github.locker.sample;

import io.github.locker.LockContext;
import io.github.locker.Locked;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;

/**
 * A deliberately unsafe read-modify-write, made safe by {@code @Locked}: the smallest proof that
 * the interceptor runs on Quarkus ArC. Each count remembers the fencing token of its last write.
 */
@ApplicationScoped
public class Counters {
    private final Map<String, long[]> countAndToken = new HashMap<>();

    @Inject
    LockContext locks;

    @Locked(key = "counter:{name}", waitTime = "10s")
    public long increment(String name) {
        long[] current = countAndToken.getOrDefault(name, new long[] {0, 0});
        long token = locks.current().orElseThrow().fencingToken();
        if (token <= current[1]) {
            throw new IllegalStateException("a write fenced with token " + token + " after token " + current[1]);
        }
        Thread.yield();
        countAndToken.put(name, new long[] {current[0] + 1, token});
        return current[0] + 1;
    }

    public long count(String name) {
        return countAndToken.getOrDefault(name, new long[] {0, 0})[0];
    }
}
