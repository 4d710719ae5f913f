package io.github.locker.tck.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs a throw-away Redis Cluster for a test class: three
 * {@code redis-server} masters (no persistence) on free loopback ports, their 16384 slots split by
 * {@code redis-cli --cluster create}, each with as many replicas as asked for. Register it with
 * {@code @RegisterExtension static final RedisClusterServer CLUSTER = new RedisClusterServer();}.
 * The class's tests start once every node reports {@code cluster_state:ok} (and every replica has
 * synchronised). Fails, with the install command, when {@code redis-server} or {@code redis-cli} is
 * missing.
 */
public final class RedisClusterServer implements BeforeAllCallback, AfterAllCallback {
    private static final int MASTERS = 3;
    private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a node may be silent before the others count it as failed. With replicas, a
     * master's failover starts after it: short, so a test sees its replica promoted in seconds
     * (Redis's default is 15 s).
     */
    private static final Duration NODE_TIMEOUT = Duration.ofMillis(1000);

    private final int replicasPerMaster;
    private final List<ServerProcess> nodes = new ArrayList<>();
    private final List<Path> nodeConfigs = new ArrayList<>();

    /** Three masters, no replicas: a master lost takes its slots with it. */
    public RedisClusterServer() {
        this(0);
    }

    /**
     * @param replicasPerMaster replicas of each of the three masters, which take over when their
     *     master fails
     */
    public RedisClusterServer(int replicasPerMaster) {
        if (replicasPerMaster < 0) {
            throw new IllegalArgumentException("replicasPerMaster must be 0 or more, not " + replicasPerMaster);
        }
        this.replicasPerMaster = replicasPerMaster;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Path binary = ServerBinary.require("redis-server", "redis-server");
        ServerBinary.require("redis-cli", "redis-tools");
        // Each node needs a client port and a cluster bus port. The bus port is given explicitly
        // (cluster-port, Redis 7+) instead of Redis's default port + 10000, which may be taken or above 65535.
        int count = MASTERS * (1 + replicasPerMaster);
        int[] ports = FreePort.pick(2 * count);
        Path servers = Path.of("target", "servers").toAbsolutePath();
        for (int i = 0; i < count; i++) {
            int port = ports[2 * i];
            int busPort = ports[2 * i + 1];
            // A node reads its config file at start and would rejoin an old cluster: the name is new
            // for each run, and the file is deleted afterwards.
            Path nodeConfig = servers.resolve("cluster-" + port + "-" + System.nanoTime() + "-nodes.conf");
            nodeConfigs.add(nodeConfig);
            nodes.add(new ServerProcess("redis-server (cluster node " + (i + 1) + ")", List.of(binary.toString(),
                    "--cluster-enabled", "yes", "--cluster-config-file", nodeConfig.toString(),
                    "--cluster-port", Integer.toString(busPort),
                    "--cluster-node-timeout", Long.toString(NODE_TIMEOUT.toMillis()),
                    "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    // a replica's full synchronisation writes an RDB file even without --save: into target
                    "--save", "", "--appendonly", "no", "--dir", servers.toString(),
                    "--dbfilename", "cluster-" + port + ".rdb"),
                    port, servers.resolve("redis-cluster-" + port + ".log")));
        }
        nodes.forEach(ServerProcess::start);

        List<String> create = new ArrayList<>(List.of("--cluster", "create"));
        nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
        create.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
        RedisCli.run(0, create.toArray(String[]::new));
        awaitClusterOk();
        for (ServerProcess node : nodes) {
            awaitUntil(Duration.ofSeconds(20), () -> !isReplica(node)
                    || cli(node, "info", "replication").contains("master_link_status:up"), "replica 127.0.0.1:"
                    + node.port() + " to synchronise with its master");
        }
    }

    /**
     * {@code --cluster create} returns once the nodes have met; the test clients read the slot map
     * from whichever node they reach first, so every node must agree that all slots are served.
     */
    private void awaitClusterOk() {
        long deadline = System.nanoTime() + FORMATION_TIMEOUT.toNanos();
        for (ServerProcess node : nodes) {
            String[] info = {""};
            awaitUntil(deadline, () -> (info[0] = cli(node, "cluster", "info")).contains("cluster_state:ok"),
                    () -> "the cluster to reach cluster_state:ok within " + FORMATION_TIMEOUT + "; node 127.0.0.1:"
                            + node.port() + " says:\n" + info[0] + "\n");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        nodes.forEach(ServerProcess::kill);
        nodes.clear();
        for (Path nodeConfig : nodeConfigs) {
            try {
                Files.deleteIfExists(nodeConfig);
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete " + nodeConfig, e);
            }
        }
        nodeConfigs.clear();
    }

    /** @return every node process, masters and replicas, in the order their ports appear in {@link #uris()} */
    public List<ServerProcess> nodes() {
        return List.copyOf(nodes);
    }

    /** @return {@code redis://127.0.0.1:<port>} of every node, comma-separated: the form that means Cluster */
    public String uris() {
        return nodes.stream().map(node -> "redis://127.0.0.1:" + node.port()).collect(Collectors.joining(","));
    }

    /** @return whether the node is, in its own view, a replica */
    public boolean isReplica(ServerProcess node) {
        return cli(node, "info", "replication").contains("role:slave");
    }

    /**
     * @return the running replicas of a master, as the master's {@code CLUSTER REPLICAS} lists them
     */
    public List<ServerProcess> replicasOf(ServerProcess master) {
        String masterId = cli(master, "cluster", "myid");
        List<ServerProcess> replicas = new ArrayList<>();
        for (String line : cli(master, "cluster", "replicas", masterId).split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            int port = portOf(line.trim().split(" ")[1]);
            nodes.stream().filter(node -> node.port() == port && node.isRunning()).forEach(replicas::add);
        }
        return replicas;
    }

    /**
     * Waits until a condition on the cluster holds.
     *
     * @param what what is awaited, for the failure message
     * @throws IllegalStateException naming it, when it does not hold in time
     */
    public void awaitUntil(Duration timeout, BooleanSupplier condition, String what) {
        awaitUntil(System.nanoTime() + timeout.toNanos(), condition, () -> what + " (waited " + timeout + ")");
    }

    private static void awaitUntil(long deadlineNanos, BooleanSupplier condition, Supplier<String> what) {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException("waited for " + what.get() + "; see the logs in target/servers");
            }
            ServerProcess.sleep(50);
        }
    }

    /** @return how many clients the node has subscribed to a sharded channel ({@code PUBSUB SHARDNUMSUB}) */
    public int shardSubscribers(ServerProcess node, String channel) {
        return subscriberCount(node, "shardnumsub", channel);
    }

    /** @return how many clients the node has subscribed to a plain channel ({@code PUBSUB NUMSUB}) */
    public int subscribers(ServerProcess node, String channel) {
        return subscriberCount(node, "numsub", channel);
    }

    private int subscriberCount(ServerProcess node, String numsub, String channel) {
        String[] reply = cli(node, "pubsub", numsub, channel).split("\\R");
        return Integer.parseInt(reply[reply.length - 1].trim());
    }

    /**
     * Runs {@code redis-cli} against one node, to look at the cluster from outside the driver.
     *
     * @return what redis-cli printed, trimmed
     */
    public String cli(ServerProcess node, String... args) {
        return RedisCli.run(node.port(), args);
    }

    /**
     * Which node serves a key, asked of the cluster itself ({@code CLUSTER KEYSLOT} and
     * {@code CLUSTER NODES}), so tests can place keys on chosen nodes and check where the driver
     * put them without trusting the driver's own routing.
     *
     * @param key a Redis key, hash tag included (a lock key, not the name given to the locker), in
     *     ASCII: redis-cli gets it as a command-line argument, which the JVM encodes in the locale's
     *     charset (a POSIX locale turns every other character into '?'); for other keys ask
     *     {@code CLUSTER KEYSLOT} over a UTF-8 connection and use {@link #nodeServingSlot}
     * @return the node whose slot range holds the key's slot
     */
    public ServerProcess nodeServing(String key) {
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(key)) {
            throw new IllegalArgumentException("'" + key + "' is not ASCII: ask CLUSTER KEYSLOT over a UTF-8 connection, "
                    + "then nodeServingSlot");
        }
        return nodeServingSlot(Integer.parseInt(RedisCli.run(anyRunningNode().port(), "cluster", "keyslot", key)));
    }

    /**
     * @param slot a hash slot, 0 to 16383
     * @return the node whose slot range holds it, as {@code CLUSTER NODES} of a running node says
     */
    public ServerProcess nodeServingSlot(int slot) {
        String map = RedisCli.run(anyRunningNode().port(), "cluster", "nodes");
        // <id> <ip:port@busport[,hostname]> <flags> <master> <ping> <pong> <epoch> <link> <slot ranges...>
        for (String line : map.split("\\R")) {
            String[] fields = line.trim().split(" ");
            int port = portOf(fields[1]);
            for (int i = 8; i < fields.length; i++) {
                if (fields[i].startsWith("[")) {
                    continue; // a slot being migrated or imported: not while the cluster is stable
                }
                String[] range = fields[i].split("-");
                int first = Integer.parseInt(range[0]);
                int last = Integer.parseInt(range[range.length - 1]);
                if (slot >= first && slot <= last) {
                    return nodes.stream().filter(node -> node.port() == port).findFirst().orElseThrow(
                            () -> new IllegalStateException("slot " + slot + " is served by port " + port
                                    + ", not one of this cluster's nodes:\n" + map));
                }
            }
        }
        throw new IllegalStateException("no node serves slot " + slot + ":\n" + map);
    }

    private ServerProcess anyRunningNode() {
        return nodes.stream().filter(ServerProcess::isRunning).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node of the cluster runs"));
    }

    /** @return the client port of a node's address in {@code CLUSTER NODES}: {@code <ip>:<port>@<bus port>[,<hostname>]} */
    private static int portOf(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':', address.indexOf('@')) + 1, address.indexOf('@')));
    }
}
