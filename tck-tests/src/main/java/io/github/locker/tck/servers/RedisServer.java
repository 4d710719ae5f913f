package io.github.locker.tck.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs a throw-away {@code redis-server} (no persistence) on a free
 * loopback port for a test class: register it with
 * {@code @RegisterExtension static final RedisServer REDIS = new RedisServer();}. Tests may stop,
 * pause and restart it through {@link #process()}; it is started again before the next class.
 * {@link #durable()} makes one that keeps its data across a restart. Fails, with the install
 * command, when {@code redis-server} is missing.
 */
public final class RedisServer implements BeforeAllCallback, AfterAllCallback {
    private final boolean durable;
    private ServerProcess process;

    /** A server without persistence: a restart loses every key. */
    public RedisServer() {
        this(false);
    }

    private RedisServer(boolean durable) {
        this.durable = durable;
    }

    /**
     * @return a server that writes every command to its append-only file before answering
     *     ({@code appendfsync always}), so a kill and restart loses nothing: the set-up the README
     *     recommends when a single Redis must not lose locks
     */
    public static RedisServer durable() {
        return new RedisServer(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    /**
     * Starts the server now, if it is not running: for tests whose other extensions need the
     * address before this one's {@code beforeAll} (call it from a static initializer).
     *
     * @return this
     */
    public RedisServer start() {
        if (process != null) {
            process.start();
            return this;
        }
        Path binary = ServerBinary.require("redis-server", "redis-server");
        int port = FreePort.pick();
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--protected-mode", "no"));
        if (durable) {
            Path data = Path.of("target", "servers", "redis-" + port + "-data").toAbsolutePath();
            try {
                Files.createDirectories(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            command.addAll(List.of("--appendonly", "yes", "--appendfsync", "always", "--dir", data.toString()));
        } else {
            command.addAll(List.of("--appendonly", "no"));
        }
        process = new ServerProcess("redis-server", command, port, Path.of("target", "servers", "redis-" + port + ".log"));
        process.start();
        return this;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (process != null) {
            process.kill();
        }
    }

    /** @return the running process, to stop, pause, resume or restart it */
    public ServerProcess process() {
        return process;
    }

    /** @return {@code redis://127.0.0.1:<port>} */
    public String uri() {
        return "redis://127.0.0.1:" + process.port();
    }
}
