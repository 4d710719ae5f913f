package io.github.locker.sample.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The running instances of the sample the demo talks to, by node id, and the one HTTP client it
 * uses for them. Parses {@code node-1=http://127.0.0.1:8081,node-2=...}.
 */
final class Instances {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, URI> byNode;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Instances(Map<String, URI> byNode) {
        this.byNode = new LinkedHashMap<>(byNode);
    }

    static Instances parse(String list) {
        Map<String, URI> byNode = new LinkedHashMap<>();
        for (String entry : list.split(",")) {
            String[] nodeAndUrl = entry.split("=", 2);
            if (nodeAndUrl.length != 2) {
                throw new IllegalArgumentException("expected node=url, was '" + entry + "' in '" + list + "'");
            }
            byNode.put(nodeAndUrl[0].trim(), URI.create(nodeAndUrl[1].trim()));
        }
        return new Instances(byNode);
    }

    Map<String, URI> byNode() {
        return byNode;
    }

    Instances without(String node) {
        Map<String, URI> rest = new LinkedHashMap<>(byNode);
        rest.remove(node);
        return new Instances(rest);
    }

    HttpClient http() {
        return http;
    }

    /** @return the parsed JSON answer of {@code GET path} on {@code node} */
    JsonNode get(String node, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(byNode.get(node).resolve(path))
                .timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " on " + node + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** @return the node whose {@code GET /leader} says it leads now (the first, should two ever say so) */
    Optional<String> leader() throws InterruptedException {
        for (String node : byNode.keySet()) {
            try {
                if (get(node, "/leader").path("leader").asBoolean()) {
                    return Optional.of(node);
                }
            } catch (IOException unreachable) {
                // a node that does not answer does not lead
            }
        }
        return Optional.empty();
    }

    static JsonNode json(String json) throws IOException {
        return JSON.readTree(json);
    }
}
