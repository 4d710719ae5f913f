package io.github.locker.tck.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs a throw-away Redis Sentinel setup for a test class: one master
 * {@code redis-server} (no persistence), its replicas, and sentinels monitoring it as
 * {@code mymaster}, all on free loopback ports. Register it with
 * {@code @RegisterExtension static final RedisSentinelServer SENTINEL = new RedisSentinelServer();}
 * (one master, one sentinel, quorum 1, no replica: nothing to fail over to), or
 * {@link #withReplicas(int, int)} for a setup that fails over when its master dies. A test that
 * needs a fresh setup per test (after a failover, say) calls {@link #start()} and {@link #stop()}
 * itself. Clients find the master through {@link #uri()}, as they would in production. Fails, with
 * the install command, when {@code redis-server} or {@code redis-cli} is missing.
 */
public final class RedisSentinelServer implements BeforeAllCallback, AfterAllCallback {
    /** The name the sentinel knows the master by, the fragment of {@link #uri()}. */
    public static final String MASTER_NAME = "mymaster";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    /** Short, so a test's failover takes seconds: the master is judged down after this long without an answer. */
    public static final Duration DOWN_AFTER = Duration.ofSeconds(1);
    /** Short for the same reason: how long a failover may take before sentinels try again (after twice this). */
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(2);

    private final int replicaCount;
    private final int sentinelCount;
    private ServerProcess master;
    private final List<ServerProcess> replicas = new ArrayList<>();
    private final List<ServerProcess> sentinels = new ArrayList<>();
    private final List<Path> sentinelConfigs = new ArrayList<>();

    /** One master, one sentinel with a quorum of 1, no replica. */
    public RedisSentinelServer() {
        this(0, 1);
    }

    private RedisSentinelServer(int replicaCount, int sentinelCount) {
        this.replicaCount = replicaCount;
        this.sentinelCount = sentinelCount;
    }

    /**
     * @param replicaCount how many replicas the master has
     * @param sentinelCount how many sentinels watch it; the quorum is a majority of them
     * @return a setup whose sentinels promote a replica when the master dies (with
     *     {@link #DOWN_AFTER} and a short failover timeout)
     */
    public static RedisSentinelServer withReplicas(int replicaCount, int sentinelCount) {
        return new RedisSentinelServer(replicaCount, sentinelCount);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    /**
     * Starts a new setup (new ports, no data) and waits until every sentinel knows the master, its
     * replicas and the other sentinels, so that a failover can happen from then on.
     */
    public void start() {
        Path binary = ServerBinary.require("redis-server", "redis-server");
        ServerBinary.require("redis-cli", "redis-tools");
        int[] ports = FreePort.pick(1 + replicaCount + sentinelCount);
        Path servers = Path.of("target", "servers").toAbsolutePath();
        master = new ServerProcess("redis-server (sentinel's master)", redisCommand(binary, ports[0]),
                ports[0], servers.resolve("redis-master-" + ports[0] + ".log"));
        master.start();
        for (int i = 1; i <= replicaCount; i++) {
            List<String> command = redisCommand(binary, ports[i]);
            command.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
            ServerProcess replica = new ServerProcess("redis-server (replica " + i + ")", command, ports[i],
                    servers.resolve("redis-replica-" + ports[i] + ".log"));
            replica.start();
            replicas.add(replica);
        }
        int quorum = sentinelCount / 2 + 1;
        for (int i = 1 + replicaCount; i < ports.length; i++) {
            // A sentinel must be given a config file, and rewrites it with what it learns: a new one per run.
            Path config = servers.resolve("sentinel-" + ports[i] + "-" + System.nanoTime() + ".conf");
            try {
                Files.createDirectories(servers);
                Files.writeString(config, String.join("\n",
                        "port " + ports[i],
                        "bind 127.0.0.1",
                        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " " + quorum,
                        "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER.toMillis(),
                        "sentinel failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT.toMillis(),
                        ""));
            } catch (IOException e) {
                throw new UncheckedIOException("could not write " + config, e);
            }
            sentinelConfigs.add(config);
            ServerProcess sentinel = new ServerProcess("redis-sentinel", List.of(binary.toString(), config.toString(),
                    "--sentinel"), ports[i], servers.resolve("redis-sentinel-" + ports[i] + ".log"));
            sentinel.start();
            sentinels.add(sentinel);
        }
        awaitReady();
    }

    private static List<String> redisCommand(Path binary, int port) {
        // A replica writes the snapshot of a full sync to its directory, which would otherwise be the JVM's own:
        // every redis-server started there later (a Cluster node, say) would load it. A new one per process.
        Path data = Path.of("target", "servers", "redis-" + port + "-" + System.nanoTime() + "-data").toAbsolutePath();
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + data, e);
        }
        // no delay before a full sync (Redis waits 5 s by default for more replicas to share it)
        return new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0", "--dir", data.toString()));
    }

    /**
     * The driver asks a sentinel for the master first: each must name it before a test connects;
     * and a failover needs every replica connected and every sentinel aware of the others.
     */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (ServerProcess replica : replicas) {
            awaitAnswer(deadline, () -> RedisCli.run(replica.port(), "info", "replication").contains("master_link_status:up"),
                    "replica on port " + replica.port() + " did not connect to its master");
        }
        for (ServerProcess sentinel : sentinels) {
            awaitAnswer(deadline, () -> masterAddress(sentinel).equals("127.0.0.1:" + master.port()),
                    "the sentinel on port " + sentinel.port() + " did not name 127.0.0.1:" + master.port() + " as '"
                            + MASTER_NAME + "'");
            if (replicaCount > 0 || sentinelCount > 1) {
                awaitAnswer(deadline, () -> {
                    List<String> fields = List.of(RedisCli.run(sentinel.port(), "sentinel", "master", MASTER_NAME).split("\n"));
                    return field(fields, "num-slaves").equals(Integer.toString(replicaCount))
                            && field(fields, "num-other-sentinels").equals(Integer.toString(sentinelCount - 1));
                }, "the sentinel on port " + sentinel.port() + " did not learn of " + replicaCount + " replicas and "
                        + (sentinelCount - 1) + " other sentinels");
            }
        }
    }

    private static String field(List<String> fields, String name) {
        int at = fields.indexOf(name);
        return at < 0 || at + 1 >= fields.size() ? "" : fields.get(at + 1);
    }

    private static void awaitAnswer(long deadline, java.util.function.BooleanSupplier ready, String failure) {
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(failure + " within " + READY_TIMEOUT + "; see the logs in target/servers");
            }
            ServerProcess.sleep(50);
        }
    }

    /**
     * @param sentinel one of {@link #sentinels()}
     * @return {@code host:port} of the master it names now, or its answer when that is not an address
     */
    public String masterAddress(ServerProcess sentinel) {
        return RedisCli.run(sentinel.port(), "sentinel", "get-master-addr-by-name", MASTER_NAME).replace('\n', ':');
    }

    /**
     * Waits until every sentinel names the same master, other than {@code old}.
     *
     * @param old the master that died
     * @param timeout how long to wait
     * @return the new master's port
     */
    public int awaitNewMaster(ServerProcess old, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String oldAddress = "127.0.0.1:" + old.port();
        while (true) {
            List<String> named = sentinels.stream().map(this::masterAddress).toList();
            String first = named.get(0);
            // every sentinel, not a majority: a client that asks one still naming the old address would connect there
            if (!first.equals(oldAddress) && named.stream().allMatch(first::equals)) {
                return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the sentinels did not fail over from " + oldAddress + " within " + timeout
                        + "; they name " + named + "; see the logs in target/servers");
            }
            ServerProcess.sleep(50);
        }
    }

    /**
     * Starts a dead master again on its port, empty and as a replica of {@code masterPort}: what a
     * supervisor that asks the sentinels does (the sentinels alone would take several seconds to
     * turn a master that came back into a replica).
     *
     * @return the new replica's process, also in {@link #replicas()} from now on
     */
    public ServerProcess rejoinAsReplica(ServerProcess dead, int masterPort) {
        List<String> command = redisCommand(ServerBinary.require("redis-server", "redis-server"), dead.port());
        command.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(masterPort)));
        ServerProcess replica = new ServerProcess("redis-server (old master, now a replica)", command, dead.port(),
                Path.of("target", "servers").toAbsolutePath().resolve("redis-rejoined-" + dead.port() + ".log"));
        replica.start();
        replicas.add(replica);
        return replica;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Kills every process of the setup and deletes the sentinels' config files. */
    public void stop() {
        sentinels.forEach(ServerProcess::kill);
        replicas.forEach(ServerProcess::kill);
        if (master != null) {
            master.kill();
        }
        for (Path config : sentinelConfigs) {
            try {
                Files.deleteIfExists(config);
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete " + config, e);
            }
        }
        sentinels.clear();
        replicas.clear();
        sentinelConfigs.clear();
    }

    /** @return the master's process: the one the setup started with, even after a failover */
    public ServerProcess master() {
        return master;
    }

    /** @return the replicas' processes, as started (one of them is the master after a failover) */
    public List<ServerProcess> replicas() {
        return List.copyOf(replicas);
    }

    /** @return the first sentinel's process */
    public ServerProcess sentinel() {
        return sentinels.get(0);
    }

    /** @return every sentinel's process */
    public List<ServerProcess> sentinels() {
        return List.copyOf(sentinels);
    }

    /** @return {@code redis-sentinel://127.0.0.1:<port>,127.0.0.1:<port>.../0#mymaster}, naming every sentinel */
    public String uri() {
        return "redis-sentinel://" + sentinels.stream().map(sentinel -> "127.0.0.1:" + sentinel.port())
                .collect(Collectors.joining(",")) + "/0#" + MASTER_NAME;
    }

    /**
     * Runs {@code redis-cli} against the master, a replica or a sentinel, to look at them from outside the driver.
     *
     * @return what redis-cli printed, trimmed
     */
    public String cli(ServerProcess server, String... args) {
        return RedisCli.run(server.port(), args);
    }
}
