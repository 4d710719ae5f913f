package io.github.locker.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.servers.RedisServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis keep-alive is batched: holding 1,000 locks for three lease periods costs at most one script
 * call per renewal tick (50 ms), as it would for a handful, not one per lock per renewal (which
 * would be 9,000 here); counted by Redis itself ({@code INFO commandstats}).
 */
class RedisRenewalTrafficTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();
    @RegisterExtension
    final Nodes nodes = new Nodes("redis", () -> Map.of("uri", REDIS.uri(), "timeout", "2s"));

    private static final Duration LEASE = Duration.ofSeconds(1);
    private static final Pattern SCRIPT_CALLS = Pattern.compile("^cmdstat_(evalsha|eval):calls=(\\d+)", Pattern.MULTILINE);

    @Test
    void renewalCallsDoNotGrowWithTheNumberOfLocksHeld() throws Exception {
        Locker locker = nodes.newLocker();
        long one = scriptCallsWhileHolding(locker, 1);
        long thousand = scriptCallsWhileHolding(locker, 1_000);
        System.out.printf("RedisRenewalTrafficTest: script calls over %s: %d holding 1 lock, %d holding 1,000%n",
                LEASE.multipliedBy(3), one, thousand);
        assertThat(one).as("renewals happened at all").isPositive();
        long ticks = LEASE.multipliedBy(3).toMillis() / 50;
        assertThat(thousand).as("at most a call per tick (%d ticks)", ticks).isLessThanOrEqualTo(ticks + 5);
    }

    private long scriptCallsWhileHolding(Locker locker, int locks) throws Exception {
        List<Lock> held = new ArrayList<>();
        for (int i = 0; i < locks; i++) {
            held.add(locker.lock(nodes.key() + ":" + locks + ":" + i, LockOptions.defaults().withLeaseTime(LEASE)));
        }
        long before = scriptCalls();
        TimeUnit.MILLISECONDS.sleep(LEASE.multipliedBy(3).toMillis());
        long during = scriptCalls() - before;
        assertThat(held).allSatisfy(lock -> assertThat(lock.isHeld()).isTrue());
        held.forEach(Lock::unlock);
        return during;
    }

    /** @return every script call Redis has served so far */
    private static long scriptCalls() throws IOException, InterruptedException {
        Process cli = new ProcessBuilder("redis-cli", "-p", Integer.toString(REDIS.process().port()), "info", "commandstats")
                .redirectErrorStream(true).start();
        String info = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        cli.waitFor(10, TimeUnit.SECONDS);
        Matcher calls = SCRIPT_CALLS.matcher(info);
        long total = 0;
        while (calls.find()) {
            total += Long.parseLong(calls.group(2));
        }
        return total;
    }
}
