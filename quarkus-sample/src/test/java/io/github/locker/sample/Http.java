package io.github.locker.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Calls the application under test over HTTP, as its clients do, and reads its JSON answers. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One answer.
     *
     * @param status the HTTP status
     * @param raw the body as sent
     * @param body the body parsed, when it is JSON
     * @param response the whole response, for its headers
     */
    record Answer(int status, String raw, JsonNode body, HttpResponse<String> response) {
        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    private Http() {
    }

    static Answer post(URI root, String path) {
        return send(postTo(root, path));
    }

    static Answer get(URI root, String path) {
        return send(HttpRequest.newBuilder(root.resolve(path)).GET());
    }

    /**
     * Sends without waiting for the answer, so that a test can have many requests in flight from one
     * thread. Over HTTP/1.1, each on a connection of its own, so they spread over the server's event
     * loops: HTTP/2 multiplexes them over as few connections, and event loops, as it can.
     */
    static CompletableFuture<Answer> postAsync(URI root, String path) {
        return CLIENT.sendAsync(timed(postTo(root, path).version(HttpClient.Version.HTTP_1_1)),
                HttpResponse.BodyHandlers.ofString()).thenApply(Http::read);
    }

    private static HttpRequest.Builder postTo(URI root, String path) {
        return HttpRequest.newBuilder(root.resolve(path)).POST(HttpRequest.BodyPublishers.noBody());
    }

    private static Answer send(HttpRequest.Builder request) {
        try {
            return read(CLIENT.send(timed(request), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    private static HttpRequest timed(HttpRequest.Builder request) {
        return request.timeout(Duration.ofSeconds(30)).build();
    }

    private static Answer read(HttpResponse<String> response) {
        boolean json = response.headers().firstValue("Content-Type").orElse("").contains("json");
        try {
            // a metrics scrape is plain text: its body is read raw
            JsonNode body = json ? JSON.readTree(response.body()) : MissingNode.getInstance();
            return new Answer(response.statusCode(), response.body(), body, response);
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }
}
