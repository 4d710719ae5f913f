package io.github.locker.sample;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The sample's database: check-ins, points and the day's settlement, kept in Redis (a real store
 * shared by every instance, reached with the Lettuce client the library already brings). Every
 * write is <em>fenced</em>: it carries the fencing token of the lock it was made under, and a Lua
 * script rejects it, atomically, when the record has already accepted a write with a newer token.
 * So a node that paused past its lease (and whose lock another node has taken since) cannot
 * overwrite what the newer holder wrote: {@link StaleTokenException}. Redis numbers are doubles
 * in Lua, exact up to 2^53; fencing tokens (Redis counters, etcd revisions) stay far below that.
 */
@ApplicationScoped
public class CheckinStore {
    /** Fenced reward: the check-in record, the count of rewards per user that day, and the user's points. */
    private static final String REWARD = """
            local fence = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
            if tonumber(ARGV[1]) < fence then return {0, fence} end
            redis.call('HSET', KEYS[1], 'fence', ARGV[1], 'node', ARGV[3], 'points', ARGV[4], 'coupon', ARGV[5],
                'at', ARGV[6])
            redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
            redis.call('INCRBY', KEYS[3], ARGV[4])
            return {1, tonumber(ARGV[1])}
            """;
    /** Fenced settlement of a day: how many users checked in and how many rewards were granted. */
    private static final String SETTLE = """
            local fence = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
            if tonumber(ARGV[1]) < fence then return {0, fence} end
            local counts = redis.call('HVALS', KEYS[2])
            local rewards = 0
            for _, count in ipairs(counts) do rewards = rewards + tonumber(count) end
            redis.call('HSET', KEYS[1], 'fence', ARGV[1], 'node', ARGV[2], 'at', ARGV[3], 'users', #counts,
                'rewards', rewards)
            return {1, tonumber(ARGV[1])}
            """;

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    /** @param uri the Redis holding the sample's data; by default the one the locks use */
    @Inject
    public CheckinStore(@ConfigProperty(name = "sample.store.uri") String uri) {
        client = RedisClient.create(RedisURI.create(uri));
        // fail at once while Redis is down (the request answers 503) instead of queueing the write
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2))).build());
        connection = client.connect(StringCodec.UTF8);
    }

    /**
     * @param uid the user
     * @param day the day
     * @return the user's check-in of that day, if there was one
     */
    public Optional<Checkin> find(String uid, LocalDate day) {
        Map<String, String> record = redis().hgetall(checkinKey(uid, day));
        if (!record.containsKey("at")) {
            return Optional.empty();
        }
        return Optional.of(new Checkin(uid, day, record.get("node"), Long.parseLong(record.get("fence")),
                Integer.parseInt(record.get("points")), record.get("coupon"), Instant.parse(record.get("at"))));
    }

    /**
     * Records a check-in with its reward, fenced with {@code token}.
     *
     * @return the recorded check-in
     * @throws StaleTokenException when the record accepted a write with a newer token already
     */
    public Checkin reward(String uid, LocalDate day, long token, String node, int points, String coupon) {
        Instant at = Instant.now();
        fenced(REWARD, "check-in of " + uid + " on " + day, token,
                new String[] {checkinKey(uid, day), rewardsKey(day), "sample:points:" + uid},
                Long.toString(token), uid, node, Integer.toString(points), coupon, at.toString());
        return new Checkin(uid, day, node, token, points, coupon, at);
    }

    /**
     * Settles a day: counts its check-ins and rewards into the day's settlement, fenced with {@code token}.
     *
     * @return the settlement written
     * @throws StaleTokenException when the settlement accepted a write with a newer token already
     */
    public Settlement settle(LocalDate day, long token, String node) {
        fenced(SETTLE, "settlement of " + day, token, new String[] {settlementKey(day), rewardsKey(day)},
                Long.toString(token), node, Instant.now().toString());
        return settlement(day).orElseThrow();
    }

    /** @return the day's settlement, if a leader has written one */
    public Optional<Settlement> settlement(LocalDate day) {
        Map<String, String> record = redis().hgetall(settlementKey(day));
        if (record.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Settlement(day, record.get("node"), Long.parseLong(record.get("fence")),
                Integer.parseInt(record.get("users")), Long.parseLong(record.get("rewards")), Instant.parse(record.get("at"))));
    }

    /** @return how many rewards each user who checked in on {@code day} was granted: one, when the lock did its work */
    public Map<String, Long> rewardsPerUser(LocalDate day) {
        Map<String, Long> rewards = new TreeMap<>();
        redis().hgetall(rewardsKey(day)).forEach((uid, count) -> rewards.put(uid, Long.parseLong(count)));
        return rewards;
    }

    /** @return the user's points over all days */
    public long points(String uid) {
        String points = redis().get("sample:points:" + uid);
        return points == null ? 0 : Long.parseLong(points);
    }

    @PreDestroy
    void close() {
        connection.close();
        client.shutdown();
    }

    private void fenced(String script, String what, long token, String[] keys, String... args) {
        List<Long> result = redis().eval(script, ScriptOutputType.MULTI, keys, args);
        if (result.get(0) != 1L) {
            throw new StaleTokenException(what, token, result.get(1));
        }
    }

    private RedisCommands<String, String> redis() {
        return connection.sync();
    }

    private static String checkinKey(String uid, LocalDate day) {
        return "sample:checkin:" + uid + ":" + day;
    }

    private static String rewardsKey(LocalDate day) {
        return "sample:rewards:" + day;
    }

    private static String settlementKey(LocalDate day) {
        return "sample:settlement:" + day;
    }
}
