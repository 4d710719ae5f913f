package consumer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A throw-away redis-server or etcd on free loopback ports, as a consumer's own test would start one. */
final class Servers {
    private static final Duration START_TIME = Duration.ofSeconds(30);

    private Servers() {
    }

    /** A running server process, stopped by close. */
    static final class Server implements AutoCloseable {
        private final Process process;
        private final String address;

        private Server(Process process, String address) {
            this.process = process;
            this.address = address;
        }

        /** @return where clients reach it: a Redis URI or an etcd endpoint */
        String address() {
            return address;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static Server redis() throws IOException, InterruptedException {
        int port = freePort();
        Process process = start(List.of(binary("redis-server", "redis-server"), "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
        Server server = new Server(process, "redis://127.0.0.1:" + port);
        awaitReady(server, () -> redisAnswersPing(port));
        return server;
    }

    static Server etcd() throws IOException, InterruptedException {
        int clientPort = freePort();
        int peerPort = freePort();
        Path data = Files.createTempDirectory("consumer-etcd");
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        Process process = start(List.of(binary("etcd", "etcd-server"), "--data-dir", data.toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "default=" + peer));
        Server server = new Server(process, client);
        awaitReady(server, () -> etcdIsHealthy(client));
        return server;
    }

    private interface Probe {
        boolean ready() throws IOException, InterruptedException;
    }

    private static void awaitReady(Server server, Probe probe) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIME.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (probe.ready()) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (!server.process.isAlive()) {
                throw new IllegalStateException("The server at " + server.address + " exited with " + server.process.exitValue());
            }
            Thread.sleep(100);
        }
        server.close();
        throw new IllegalStateException("The server at " + server.address + " did not start within " + START_TIME);
    }

    private static boolean redisAnswersPing(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = in.readNBytes(7);
            return new String(answer, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        }
    }

    private static boolean etcdIsHealthy(String client) throws IOException, InterruptedException {
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(client + "/health")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        return health.statusCode() == 200 && health.body().contains("\"true\"");
    }

    private static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String binary(String name, String debianPackage) {
        for (String directory : (System.getenv("PATH") + ":/usr/bin:/usr/sbin:/usr/local/bin").split(":")) {
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("'" + name + "' is not installed, and this check runs a real " + name
                + ". Install it with: sudo apt-get update && sudo apt-get install -y " + debianPackage);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
