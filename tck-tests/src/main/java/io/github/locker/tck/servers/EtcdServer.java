package io.github.locker.tck.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs throw-away etcd: one member by default, or a cluster of
 * {@code members} on loopback ports. Register it with
 * {@code @RegisterExtension static final EtcdServer ETCD = new EtcdServer(1);}. Members can be
 * killed, paused and restarted (with their data) through {@link #members()}. Fails, with the install
 * command, when {@code etcd} is missing.
 */
public final class EtcdServer implements BeforeAllCallback, AfterAllCallback {
    private final int size;
    private final TlsFiles tls;
    private final List<String> extraArguments;
    /** What to do once the members serve: set up users, say. */
    private final Consumer<EtcdServer> afterStart;
    private final List<EtcdMember> members = new ArrayList<>();
    private Path dataRoot;

    /** @param size the number of members: 1, or 3 for a cluster that survives losing one */
    public EtcdServer(int size) {
        this(size, null, List.of(), server -> { });
    }

    private EtcdServer(int size, TlsFiles tls, List<String> extraArguments, Consumer<EtcdServer> afterStart) {
        this.size = size;
        this.tls = tls;
        this.extraArguments = List.copyOf(extraArguments);
        this.afterStart = afterStart;
    }

    /**
     * @param files the certificates: the server's, and the CA whose client certificates it accepts
     * @return one member that speaks only TLS ({@code https://}) and refuses clients without a
     *     certificate that CA signed ({@code --client-cert-auth})
     */
    public static EtcdServer tls(TlsFiles files) {
        return new EtcdServer(1, files, List.of(), server -> { });
    }

    /**
     * @param username a user that may read and write only under {@code keyPrefix}, as an operator
     *     would give an application
     * @param password its password
     * @param keyPrefix the keys it may use: the locker's key prefix
     * @return one member with authentication on (etcd's root user has a random password nobody
     *     here uses)
     */
    public static EtcdServer withUser(String username, String password, String keyPrefix) {
        // tokens live 2 s, not the default 5 min: a lock held a few seconds outlives its client's token,
        // so the tests see the client log in again as it would in production after 5 idle minutes
        return new EtcdServer(1, null, List.of("--auth-token-ttl", "2"),
                server -> server.addUser(username, password, keyPrefix));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    /**
     * Starts the members now, if not yet started: for tests whose other extensions need the
     * endpoints before this one's {@code beforeAll} (call it from a static initializer).
     *
     * @return this
     */
    public EtcdServer start() {
        if (!members.isEmpty()) {
            return this;
        }
        dataRoot = EtcdMember.newDataRoot();
        // per member: client, peer and metrics (health) port
        int[] ports = FreePort.pick(3 * size);
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            peers.add("m" + (i + 1) + "=http://127.0.0.1:" + ports[3 * i + 1]);
        }
        String initialCluster = String.join(",", peers);
        for (int i = 0; i < size; i++) {
            members.add(new EtcdMember("m" + (i + 1), ports[3 * i], ports[3 * i + 1], ports[3 * i + 2], initialCluster,
                    dataRoot, tls, extraArguments));
        }
        // the members of a new cluster wait for each other before any reports healthy: start them together
        List<Thread> starting = new ArrayList<>();
        List<RuntimeException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (EtcdMember member : members) {
            Thread thread = new Thread(() -> {
                try {
                    member.process().start();
                } catch (RuntimeException failure) {
                    failures.add(failure);
                }
            }, "start etcd " + member.name());
            thread.start();
            starting.add(thread);
        }
        for (Thread thread : starting) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        afterStart.accept(this);
        return this;
    }

    /** etcd turns authentication on only once a root user exists; the user gets a role for its prefix only. */
    private void addUser(String username, String password, String keyPrefix) {
        String role = username + "-role";
        etcdctl("user", "add", "root:" + UUID.randomUUID(), "--interactive=false");
        etcdctl("user", "add", username + ":" + password, "--interactive=false");
        etcdctl("role", "add", role);
        etcdctl("role", "grant-permission", role, "--prefix=true", "readwrite", keyPrefix);
        etcdctl("user", "grant-role", username, role);
        etcdctl("auth", "enable");
    }

    /**
     * @param prefix a key prefix
     * @return how many keys lie under it, as {@code etcdctl} reads them (a linearizable read)
     */
    public long countKeysUnder(String prefix) {
        // etcdctl 3.4 has no --count-only: one key per line, a blank line between them
        return etcdctl("get", "--prefix", "--keys-only", prefix).lines().filter(line -> !line.isBlank()).count();
    }

    private String etcdctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of(etcdctl().toString(), "--endpoints=" + endpoints(),
                "--command-timeout=10s"));
        command.addAll(List.of(arguments));
        return Commands.run(command, Map.of("ETCDCTL_API", "3"));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Kills the members and deletes their data: for a test class that started them with {@link #start()} outside JUnit's callbacks. */
    public void stop() {
        if (members.isEmpty()) {
            return;
        }
        members.forEach(member -> member.process().kill());
        members.clear();
        try (Stream<Path> files = Files.walk(dataRoot)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the members, in name order */
    public List<EtcdMember> members() {
        return members;
    }

    /** @return the first member's process: the server of a one-member etcd */
    public ServerProcess process() {
        return members.get(0).process();
    }

    /** @return every member's client URL, comma-separated */
    public String endpoints() {
        return members.stream().map(EtcdMember::clientUrl).collect(Collectors.joining(","));
    }

    /**
     * @return the {@code etcdctl} executable, for tests that run etcd's own client beside the driver
     * @throws IllegalStateException with the install command when it is missing
     */
    public static Path etcdctl() {
        return ServerBinary.require("etcdctl", "etcd-client");
    }

    /** @return the member that leads now */
    public EtcdMember leader() {
        return members.stream().filter(EtcdMember::isLeader).findFirst()
                .orElseThrow(() -> new IllegalStateException("no etcd member reports being the leader"));
    }
}
