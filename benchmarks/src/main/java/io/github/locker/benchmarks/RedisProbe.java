package io.github.locker.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts what Redis executes during a window, from Redis's own slow log with a threshold of zero
 * (every command is logged with its execution time). A command run by a Lua script is logged with
 * the client address {@code ?:0}: the others are the round trips clients made. The probe's own
 * connection is named and left out. Changes the server's slow-log settings while open, so use it
 * only where nothing else is measured at the same time.
 */
final class RedisProbe implements AutoCloseable {
    private static final String NAME = "locker-bench-probe";
    private static final String SCRIPT_CLIENT = "?:0";

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private int capacity;

    /**
     * What Redis executed in a window.
     *
     * @param byCommand how many times each command ran, by its name in capitals; those scripts ran
     *     as {@code "NAME in scripts"}
     */
    record Executed(long roundTrips, long inScripts, long roundTripMicros, boolean full, Map<String, Long> byCommand) {
    }

    RedisProbe() {
        this.client = RedisClient.create(Loopback.redisUri());
        this.connection = client.connect();
        this.redis = connection.sync();
        redis.clientSetname(NAME);
    }

    /** @param capacity the most commands the window may hold (the slow log's length) */
    void start(int capacity) {
        this.capacity = capacity;
        redis.configSet("slowlog-max-len", Integer.toString(capacity));
        redis.configSet("slowlog-log-slower-than", "0");
        redis.slowlogReset();
    }

    /** @return what was executed since {@link #start}; the slow log is back to Redis's defaults */
    Executed stop() {
        List<Object> entries = redis.slowlogGet(capacity);
        redis.configSet("slowlog-log-slower-than", "10000");
        redis.configSet("slowlog-max-len", "128");
        redis.slowlogReset();
        long roundTrips = 0;
        long inScripts = 0;
        long micros = 0;
        Map<String, Long> byCommand = new TreeMap<>();
        for (Object entry : entries) {
            // id, time, microseconds, arguments, client address, client name
            List<?> fields = (List<?>) entry;
            String address = String.valueOf(fields.get(4));
            String command = String.valueOf(((List<?>) fields.get(3)).get(0)).toUpperCase(Locale.ROOT);
            if (SCRIPT_CLIENT.equals(address)) {
                inScripts++;
                byCommand.merge(command + " in scripts", 1L, Long::sum);
            } else if (!NAME.equals(String.valueOf(fields.get(5)))) {
                roundTrips++;
                micros += ((Number) fields.get(2)).longValue();
                byCommand.merge(command, 1L, Long::sum);
            }
        }
        return new Executed(roundTrips, inScripts, micros, entries.size() >= capacity, byCommand);
    }

    /** @return the CPU time Redis has used so far (user + system, all its threads), in seconds */
    double cpuSeconds() {
        return infoField("cpu", "used_cpu_user") + infoField("cpu", "used_cpu_sys");
    }

    /**
     * @return Redis's running totals: CPU µs and commands executed (those scripts run included),
     *     cheap enough to read while a benchmark runs
     */
    Map<String, Double> totals() {
        return Map.of("server CPU µs", cpuSeconds() * 1e6, "commands incl. in scripts", commandsProcessed());
    }

    /** Zeroes Redis's per-command statistics ({@code CONFIG RESETSTAT}). */
    void resetStats() {
        redis.configResetstat();
    }

    /**
     * @return Redis's per-command statistics since {@link #resetStats}, one line a command: its calls
     *     and the µs a call took on average (a script's own time includes the commands it ran), from
     *     {@code INFO commandstats}, which costs nothing while commands run, unlike the slow log
     */
    List<String> commandStats() {
        return redis.info("commandstats").lines().filter(line -> line.startsWith("cmdstat_"))
                .filter(line -> !line.startsWith("cmdstat_config") && !line.startsWith("cmdstat_info")
                        && !line.startsWith("cmdstat_client") && !line.startsWith("cmdstat_hello"))
                .toList();
    }

    /** @return the commands Redis has executed so far, those scripts ran and this probe's own included */
    double commandsProcessed() {
        return infoField("stats", "total_commands_processed");
    }

    private double infoField(String section, String field) {
        for (String line : redis.info(section).split("\\r?\\n")) {
            if (line.startsWith(field + ":")) {
                return Double.parseDouble(line.substring(field.length() + 1).trim());
            }
        }
        throw new IllegalStateException("Redis's INFO " + section + " has no " + field);
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
