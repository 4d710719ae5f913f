package io.github.locker.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what etcd counted, from its Prometheus {@code /metrics}: requests answered, messages
 * received, keep-alive streams opened, raft proposals committed and CPU time used. Differences of two readings
 * are what happened in between.
 */
final class EtcdProbe {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)(?:\\{([^}]*)\\})?\\s+(\\S+)$", Pattern.MULTILINE);

    /** etcd's counters at one moment. */
    record Counters(double unaryRequests, double messagesReceived, double keepAliveMessages, double keepAliveStreams,
            double proposals, double cpuSeconds) {

        /** @return the running totals a benchmark divides by its cycles */
        Map<String, Double> totals() {
            return Map.of("server CPU µs", cpuSeconds * 1e6, "round trips", unaryRequests, "raft proposals", proposals);
        }

        Counters minus(Counters earlier) {
            return new Counters(unaryRequests - earlier.unaryRequests, messagesReceived - earlier.messagesReceived,
                    keepAliveMessages - earlier.keepAliveMessages, keepAliveStreams - earlier.keepAliveStreams,
                    proposals - earlier.proposals, cpuSeconds - earlier.cpuSeconds);
        }
    }

    private EtcdProbe() {
    }

    /** @return the counters now */
    static Counters read() throws IOException, InterruptedException {
        String endpoint = Loopback.etcdEndpoints().split(",")[0];
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (metrics.statusCode() != 200) {
            throw new IOException("GET " + endpoint + "/metrics answered " + metrics.statusCode());
        }
        double unary = 0;
        double received = 0;
        double keepAlives = 0;
        double streams = 0;
        double proposals = 0;
        double cpu = 0;
        Matcher sample = SAMPLE.matcher(metrics.body());
        while (sample.find()) {
            String labels = sample.group(2) == null ? "" : sample.group(2);
            double value = Double.parseDouble(sample.group(3)); // Prometheus text may say 1.2e+03
            boolean keepAlive = labels.contains("grpc_method=\"LeaseKeepAlive\"");
            switch (sample.group(1)) {
                case "grpc_server_handled_total" -> unary += labels.contains("grpc_type=\"unary\"") ? value : 0;
                case "grpc_server_msg_received_total" -> {
                    received += value;
                    keepAlives += keepAlive ? value : 0;
                }
                case "grpc_server_started_total" -> streams += keepAlive ? value : 0;
                case "etcd_server_proposals_committed_total" -> proposals += value;
                case "process_cpu_seconds_total" -> cpu += value;
                default -> {
                    // other metrics say nothing about the lock's traffic
                }
            }
        }
        return new Counters(unary, received, keepAlives, streams, proposals, cpu);
    }
}
