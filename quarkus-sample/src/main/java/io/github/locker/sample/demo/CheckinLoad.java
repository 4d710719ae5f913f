package io.github.locker.sample.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Sends many check-ins for a few users to every instance at once, then reads back what the store
 * recorded: the demo's proof that each user was rewarded exactly once however the requests landed.
 * Request {@code i} goes to instance {@code i mod instances} for user {@code i mod users}.
 */
final class CheckinLoad {
    private final Instances instances;
    private final List<String> users;
    private final int requests;

    /**
     * @param instances where to send the check-ins
     * @param users the users checking in
     * @param requests how many check-ins to send in all
     */
    CheckinLoad(Instances instances, List<String> users, int requests) {
        this.instances = instances;
        this.users = List.copyOf(users);
        this.requests = requests;
    }

    /**
     * One answer to a check-in.
     *
     * @param user the user checked in
     * @param status the HTTP status, or -1 when there was no answer
     * @param node the instance that answered ({@code X-Node})
     * @param outcome the answer's outcome, or the failure
     * @param message the answer's message
     * @param lockWaitMillis {@code X-Lock-Wait-Ms}, or NaN when absent
     */
    record Answer(String user, int status, String node, String outcome, String message, double lockWaitMillis) {
    }

    /**
     * What the load did and what the store says about it.
     *
     * @param answers every answer
     * @param users the users checked in
     * @param storedRewards the rewards per user the store recorded today, for these users
     * @param leader the instance running the settlement task, if one said so
     */
    record Report(List<Answer> answers, List<String> users, Map<String, Long> storedRewards, String leader) {

        /** @return true when every user got exactly one reward, both in the store and in the answers */
        boolean exactlyOneRewardPerUser() {
            return users.stream().allMatch(user -> storedRewards.getOrDefault(user, 0L) == 1L
                    && answers.stream().filter(answer -> answer.user().equals(user) && answer.status() == 201).count() == 1);
        }

        Map<String, Long> count(java.util.function.Function<Answer, String> by) {
            return answers.stream().collect(Collectors.groupingBy(by, TreeMap::new, Collectors.counting()));
        }

        /** @return the nearest-rank percentile of the lock waits, in milliseconds */
        double lockWaitPercentile(double percent) {
            double[] waits = answers.stream().mapToDouble(Answer::lockWaitMillis).filter(wait -> !Double.isNaN(wait))
                    .sorted().toArray();
            if (waits.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(percent / 100 * waits.length);
            return waits[Math.max(0, rank - 1)];
        }

        void print(PrintStream out) {
            long instances = count(Answer::node).keySet().stream().filter(node -> !node.equals("none")).count();
            out.printf("%d check-ins for %d users, sent at once to %d instance%s%n", answers.size(), users.size(),
                    instances, instances == 1 ? "" : "s");
            out.println("  requests per instance: " + join(count(Answer::node)));
            out.println("  answers:               " + join(count(answer -> answer.status() + " " + answer.outcome())));
            answers.stream().filter(answer -> answer.status() == 200).findFirst()
                    .ifPresent(answer -> out.println("  a second check-in:     \"" + answer.message() + "\""));
            answers.stream().filter(answer -> answer.status() != 200 && answer.status() != 201).findFirst()
                    .ifPresent(answer -> out.println("  e.g. " + answer.status() + ":              \"" + answer.message() + "\""));
            out.println("  rewards today (store): " + users.stream()
                    .map(user -> user + " " + storedRewards.getOrDefault(user, 0L)).collect(Collectors.joining(", "))
                    + (exactlyOneRewardPerUser() ? "  -> exactly one each" : "  -> WRONG: not exactly one each"));
            out.printf(Locale.ROOT, "  lock wait (ms):        p50 %.1f, p90 %.1f, p99 %.1f, max %.1f%n", lockWaitPercentile(50),
                    lockWaitPercentile(90), lockWaitPercentile(99), lockWaitPercentile(100));
            out.println("  settlement leader:     " + leader);
        }

        private static String join(Map<String, Long> counts) {
            return counts.entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue())
                    .collect(Collectors.joining(", "));
        }
    }

    /**
     * Sends every check-in at once, waits for all answers (at most the request timeout), then reads the store.
     *
     * @return the report
     * @throws IOException when the store could not be read through the first instance
     * @throws InterruptedException when interrupted
     */
    Report run() throws IOException, InterruptedException {
        List<String> nodes = List.copyOf(instances.byNode().keySet());
        warmUp(nodes);
        List<CompletableFuture<Answer>> pending = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            pending.add(checkIn(nodes.get(i % nodes.size()), users.get(i % users.size())));
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(Instances.REQUEST_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException impossible) {
            // each answer already turned its own failure into an Answer, and each request has its own timeout
            throw new IllegalStateException(impossible);
        }
        List<Answer> answers = pending.stream().map(CompletableFuture::join).toList();
        JsonNode today = instances.get(nodes.get(0), "/checkins?day=" + LocalDate.now());
        Map<String, Long> stored = new TreeMap<>();
        users.forEach(user -> stored.put(user, today.path("rewardsPerUser").path(user).asLong(0)));
        return new Report(answers, users, stored, instances.leader().orElse("none"));
    }

    /**
     * Takes a lock and reads the store once on each instance: the first call of each path loads
     * classes and opens connections, and the report is about waiting for locks, not about that.
     */
    private void warmUp(List<String> nodes) throws IOException, InterruptedException {
        for (String node : nodes) {
            instances.http().send(HttpRequest.newBuilder(instances.byNode().get(node).resolve("/locks/warm-up"))
                    .timeout(Instances.REQUEST_TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            instances.get(node, "/checkins");
        }
    }

    private CompletableFuture<Answer> checkIn(String node, String user) {
        HttpRequest request = HttpRequest.newBuilder(instances.byNode().get(node).resolve("/checkins/" + user))
                .timeout(Instances.REQUEST_TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build();
        return instances.http().sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> {
                    JsonNode body = parseOrEmpty(response.body());
                    return new Answer(user, response.statusCode(), response.headers().firstValue("X-Node").orElse("none"),
                            body.path("outcome").asText("?"), body.path("message").asText(response.body()),
                            response.headers().firstValue("X-Lock-Wait-Ms").map(Double::parseDouble).orElse(Double.NaN));
                })
                .exceptionally(failure -> new Answer(user, -1, "none", "no answer", String.valueOf(failure), Double.NaN));
    }

    private static JsonNode parseOrEmpty(String body) {
        try {
            return Instances.json(body);
        } catch (IOException notJson) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }
}
