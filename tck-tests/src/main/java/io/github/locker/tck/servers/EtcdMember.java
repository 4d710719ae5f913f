package io.github.locker.tck.servers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One etcd member process: its name, client and peer ports, and a data directory that survives
 * {@link ServerProcess#restart()} (so a restarted member rejoins with its data). Data lives in
 * {@code /dev/shm} when there is one: etcd fsyncs every write, and the tests measure the lock,
 * not the disk.
 */
public final class EtcdMember {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\":\"?(\\d+)");
    private static final Pattern LEADER = Pattern.compile("\"leader\":\"?(\\d+)");

    private final String name;
    private final int clientPort;
    private final int peerPort;
    private final int metricsPort;
    private final String scheme;
    private final ServerProcess process;

    /**
     * @param tls null for plain http; else the member serves https only and accepts only clients
     *     with a certificate that CA signed
     * @param extraArguments more command-line flags for {@code etcd}
     */
    EtcdMember(String name, int clientPort, int peerPort, int metricsPort, String initialCluster, Path dataRoot,
            TlsFiles tls, List<String> extraArguments) {
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.metricsPort = metricsPort;
        this.scheme = tls == null ? "http" : "https";
        Path binary = ServerBinary.require("etcd", "etcd-server");
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--name", name,
                "--data-dir", dataRoot.resolve(name).toString(),
                "--listen-client-urls", clientUrl(),
                "--advertise-client-urls", clientUrl(),
                // /health in plain http even when clients must bring a certificate
                "--listen-metrics-urls", metricsUrl(),
                "--listen-peer-urls", peerUrl(),
                "--initial-advertise-peer-urls", peerUrl(),
                "--initial-cluster", initialCluster,
                "--initial-cluster-token", dataRoot.getFileName().toString(),
                "--initial-cluster-state", "new",
                "--log-level", "warn"));
        if (tls != null) {
            command.addAll(List.of("--cert-file", tls.serverCertificate().toString(),
                    "--key-file", tls.serverKey().toString(),
                    "--trusted-ca-file", tls.caCertificate().toString(),
                    "--client-cert-auth"));
        }
        command.addAll(extraArguments);
        this.process = new ServerProcess("etcd " + name, command, clientPort,
                Path.of("target", "servers", "etcd-" + name + "-" + clientPort + ".log"), this::healthy);
    }

    static Path newDataRoot() {
        try {
            Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "locker-etcd-")
                    : Files.createTempDirectory("locker-etcd-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a data directory for etcd", e);
        }
    }

    /** @return {@code http://127.0.0.1:<client port>}, or {@code https://} for a TLS member */
    public String clientUrl() {
        return scheme + "://127.0.0.1:" + clientPort;
    }

    private String metricsUrl() {
        return "http://127.0.0.1:" + metricsPort;
    }

    String peerUrl() {
        return "http://127.0.0.1:" + peerPort;
    }

    String name() {
        return name;
    }

    /** @return the member's process, to kill, pause, resume or restart it */
    public ServerProcess process() {
        return process;
    }

    /** @return whether this member is the cluster's leader right now (false when it does not answer) */
    public boolean isLeader() {
        String status = post("/v3/maintenance/status", "{}");
        if (status == null) {
            return false;
        }
        Matcher member = MEMBER_ID.matcher(status);
        Matcher leader = LEADER.matcher(status);
        return member.find() && leader.find() && member.group(1).equals(leader.group(1));
    }

    private boolean healthy() {
        try {
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(metricsUrl() + "/health"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
            return health.statusCode() == 200 && health.body().contains("\"health\":\"true\"");
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return the response body, or null when the member does not answer (a TLS member never does: no client certificate here) */
    public String post(String path, String json) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(clientUrl() + path))
                    .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException down) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
