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
    private final TlsFiles tls;
    private final List<String> extraArguments;
    private ServerProcess process;

    /** A server without persistence: a restart loses every key. */
    public RedisServer() {
        this(false, null, List.of());
    }

    private RedisServer(boolean durable, TlsFiles tls, List<String> extraArguments) {
        this.durable = durable;
        this.tls = tls;
        this.extraArguments = List.copyOf(extraArguments);
    }

    /**
     * @param files the certificates: the server's, and the CA clients verify it with
     * @return a server that speaks only TLS ({@code rediss://}), not asking clients for certificates
     */
    public static RedisServer tls(TlsFiles files) {
        return new RedisServer(false, files, List.of());
    }

    /**
     * @param username an ACL user with every permission
     * @param password its password
     * @return a server whose default user is off: only that user may connect
     */
    public static RedisServer withUser(String username, String password) {
        return new RedisServer(false, null, List.of("--user", username, "on", ">" + password, "~*", "&*", "+@all",
                "--user", "default", "off"));
    }

    /**
     * @return a server that writes every command to its append-only file before answering
     *     ({@code appendfsync always}), so a kill and restart loses nothing: the set-up the README
     *     recommends when a single Redis must not lose locks
     */
    public static RedisServer durable() {
        return new RedisServer(true, null, List.of());
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
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--bind", "127.0.0.1", "--save", "",
                "--protected-mode", "no"));
        if (tls == null) {
            command.addAll(List.of("--port", Integer.toString(port)));
        } else {
            command.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port),
                    "--tls-cert-file", tls.serverCertificate().toString(), "--tls-key-file", tls.serverKey().toString(),
                    "--tls-ca-cert-file", tls.caCertificate().toString(), "--tls-auth-clients", "no"));
        }
        command.addAll(extraArguments);
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
        stop();
    }

    /** Kills the server: for a test class that started it with {@link #start()} outside JUnit's callbacks. */
    public void stop() {
        if (process != null) {
            process.kill();
        }
    }

    /** @return the running process, to stop, pause, resume or restart it */
    public ServerProcess process() {
        return process;
    }

    /** @return {@code redis://127.0.0.1:<port>}, or {@code rediss://} for a TLS server */
    public String uri() {
        return (tls == null ? "redis://" : "rediss://") + "127.0.0.1:" + process.port();
    }
}
