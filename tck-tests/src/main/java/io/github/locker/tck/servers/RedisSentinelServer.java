package io.github.locker.tck.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs a throw-away Redis Sentinel setup for a test class: one master
 * {@code redis-server} (no persistence) and one sentinel monitoring it as {@code mymaster}, with a
 * quorum of 1, all on free loopback ports. Register it with
 * {@code @RegisterExtension static final RedisSentinelServer SENTINEL = new RedisSentinelServer();}.
 * Clients find the master through {@link #uri()}, as they would in production. Fails, with the
 * install command, when {@code redis-server} or {@code redis-cli} is missing.
 */
public final class RedisSentinelServer implements BeforeAllCallback, AfterAllCallback {
    /** The name the sentinel knows the master by, the fragment of {@link #uri()}. */
    public static final String MASTER_NAME = "mymaster";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private ServerProcess master;
    private ServerProcess sentinel;
    private Path sentinelConfig;

    @Override
    public void beforeAll(ExtensionContext context) {
        Path binary = ServerBinary.require("redis-server", "redis-server");
        ServerBinary.require("redis-cli", "redis-tools");
        int[] ports = FreePort.pick(2);
        Path servers = Path.of("target", "servers").toAbsolutePath();
        master = new ServerProcess("redis-server (sentinel's master)", List.of(binary.toString(),
                "--port", Integer.toString(ports[0]), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no"),
                ports[0], servers.resolve("redis-master-" + ports[0] + ".log"));
        master.start();

        // A sentinel must be given a config file, and rewrites it with what it learns: a new one per run.
        sentinelConfig = servers.resolve("sentinel-" + ports[1] + "-" + System.nanoTime() + ".conf");
        try {
            Files.writeString(sentinelConfig, String.join("\n",
                    "port " + ports[1],
                    "bind 127.0.0.1",
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 1",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + sentinelConfig, e);
        }
        sentinel = new ServerProcess("redis-sentinel", List.of(binary.toString(), sentinelConfig.toString(),
                "--sentinel"), ports[1], servers.resolve("redis-sentinel-" + ports[1] + ".log"));
        sentinel.start();
        awaitMasterKnown();
    }

    /** The driver asks the sentinel for the master first: it must name it before a test connects. */
    private void awaitMasterKnown() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String expected = "127.0.0.1\n" + master.port();
        String answer = RedisCli.run(sentinel.port(), "sentinel", "get-master-addr-by-name", MASTER_NAME);
        while (!answer.equals(expected)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the sentinel on port " + sentinel.port() + " did not name "
                        + "127.0.0.1:" + master.port() + " as '" + MASTER_NAME + "' within " + READY_TIMEOUT
                        + "; it answered: " + answer + "; see the logs in target/servers");
            }
            ServerProcess.sleep(50);
            answer = RedisCli.run(sentinel.port(), "sentinel", "get-master-addr-by-name", MASTER_NAME);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (sentinel != null) {
            sentinel.kill();
        }
        if (master != null) {
            master.kill();
        }
        if (sentinelConfig != null) {
            try {
                Files.deleteIfExists(sentinelConfig);
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete " + sentinelConfig, e);
            }
        }
    }

    /** @return the master's process */
    public ServerProcess master() {
        return master;
    }

    /** @return the sentinel's process */
    public ServerProcess sentinel() {
        return sentinel;
    }

    /** @return {@code redis-sentinel://127.0.0.1:<sentinel port>/0#mymaster} */
    public String uri() {
        return "redis-sentinel://127.0.0.1:" + sentinel.port() + "/0#" + MASTER_NAME;
    }

    /**
     * Runs {@code redis-cli} against the master or the sentinel, to look at them from outside the driver.
     *
     * @return what redis-cli printed, trimmed
     */
    public String cli(ServerProcess server, String... args) {
        return RedisCli.run(server.port(), args);
    }
}
