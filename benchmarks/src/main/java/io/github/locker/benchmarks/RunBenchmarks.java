package io.github.locker.benchmarks;

import io.github.locker.tck.servers.EtcdServer;
import io.github.locker.tck.servers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.openjdk.jmh.profile.JavaFlightRecorderProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The one command of the benchmarks ({@code benchmarks/run.sh} calls it): starts a
 * {@code redis-server} and an etcd on loopback ports, runs every benchmark of this module with
 * JMH (one fork each, on those two servers), profiles ours with Flight Recorder where a goal is not
 * met, prints the markdown table and writes it, with every run's figures, to the results file.
 * The servers are killed at the end, also when the run fails or is interrupted.
 *
 * <p>Arguments: the results file (default {@code RESULTS.md}), then optionally a regular
 * expression selecting benchmarks (default: all of this package). JMH starts every fork with this
 * JVM's arguments, so a {@code -D} property given to it reaches every benchmark (such as
 * {@value AsyncWaitersBenchmark#WAITERS_PROPERTY}; {@code run.sh} passes its leading {@code -D} arguments on).
 */
public final class RunBenchmarks {
    private static final Path WORK = Path.of("target");

    private RunBenchmarks() {
    }

    /**
     * @param args the results file, and optionally which benchmarks to run
     * @throws Exception when a benchmark or a server failed
     */
    public static void main(String[] args) throws Exception {
        Path output = Path.of(args.length > 0 ? args[0] : "RESULTS.md");
        String include = args.length > 1 ? args[1] : RunBenchmarks.class.getPackageName() + "\\..*Benchmark";
        Instant started = Instant.now();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        RedisServer redis = new RedisServer();
        EtcdServer etcd = new EtcdServer(1);
        Thread killServers = new Thread(() -> stop(redis, etcd), "stop benchmark servers");
        Runtime.getRuntime().addShutdownHook(killServers);
        try {
            redis.start();
            etcd.start();
            List<String> servers = List.of("-D" + Loopback.REDIS_PROPERTY + "=" + redis.uri(),
                    "-D" + Loopback.ETCD_PROPERTY + "=" + etcd.endpoints());
            Collection<RunResult> runs = new Runner(options(servers, include)
                    .addProfiler(FiguresProfiler.class)
                    .resultFormat(ResultFormatType.JSON).result(WORK.resolve("jmh-result.json").toString())
                    .build()).run();
            Report report = new Report(new Results(runs));
            String profiles = profileUnmetGoals(report, servers);
            String header = header(redis, etcd, started, loadBefore);
            String document = header + "\n## Goals\n\n" + report.goalsTable() + profiles
                    + "\n## Every run\n\n" + report.allRunsTable();
            Files.writeString(output, document);
            System.out.println();
            System.out.println(header);
            System.out.println(report.goalsTable());
            System.out.println(profiles);
            System.out.println("Written to " + output.toAbsolutePath());
        } finally {
            stop(redis, etcd);
            Runtime.getRuntime().removeShutdownHook(killServers);
        }
    }

    private static ChainedOptionsBuilder options(List<String> servers, String include) {
        return new OptionsBuilder().include(include).jvmArgsPrepend(servers.toArray(String[]::new)).shouldFailOnError(true);
    }

    /**
     * Runs ours again, briefly and under Flight Recorder, for each goal not met whose cost is CPU
     * in the client ({@link Report#worthProfiling} says which).
     *
     * @return the summaries, as a markdown section; empty when every profiled goal is met
     */
    private static String profileUnmetGoals(Report report, List<String> servers) throws RunnerException, IOException {
        Map<String, Report.Row> toProfile = new LinkedHashMap<>();
        for (Report.Row row : report.rows()) {
            if (Report.worthProfiling(row)) {
                toProfile.putIfAbsent(row.benchmark() + row.params(), row);
            }
        }
        if (toProfile.isEmpty()) {
            return "";
        }
        StringBuilder section = new StringBuilder("\n## Profiles of ours where a goal is not met\n\n"
                + "Ours run again under Flight Recorder (JMH `-prof jfr`, settings `profile`: 1 warm-up and 2 "
                + "measured iterations). Flight Recorder samples threads running Java code only: CPU spent in the "
                + "kernel (socket reads and writes) shows in the per-thread CPU figures of the goals table instead.\n");
        int number = 0;
        for (Report.Row row : toProfile.values()) {
            Path dir = WORK.resolve("jfr").resolve(Integer.toString(++number)).toAbsolutePath();
            deleteTree(dir); // a recording of an earlier run must not be summarized as this one's
            ChainedOptionsBuilder options = options(servers, "\\." + Pattern.quote(row.benchmark()) + "$")
                    .warmupIterations(1).measurementIterations(2)
                    .warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(row.benchmark().equals(Report.HAND_OFF) ? 2 : 1))
                    .addProfiler(JavaFlightRecorderProfiler.class, "dir=" + dir + ";configName=profile");
            row.params().forEach(options::param);
            new Runner(options.build()).run();
            section.append("\n### ").append(row.item()).append(": ").append(row.measure()).append(' ')
                    .append(row.params()).append("\n\n");
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path recording : files.filter(file -> file.toString().endsWith(".jfr")).toList()) {
                    section.append(JfrSummary.of(recording, 8));
                }
            }
        }
        return section.toString();
    }

    private static String header(RedisServer redis, EtcdServer etcd, Instant started, double loadBefore)
            throws IOException, InterruptedException {
        return "# Benchmark results\n\n"
                + "Written by `benchmarks/run.sh` on " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " in "
                + Duration.between(started, Instant.now()).toSeconds() + " s (JMH and profiles; the build not counted). "
                + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version") + ", Redis " + redisVersion(redis) + " and etcd " + etcdVersion(etcd)
                + " on loopback, started by the run; one JMH fork per benchmark and parameter set, all on the same "
                + "two server processes. In the goals table every score is the median of the measured iterations, "
                + "with the lowest and highest iteration in brackets; ratios are ours / baseline; the last table has "
                + "JMH's means with their 99.9 % error. "
                + "Load average (1 min) at the start " + Report.format(loadBefore, 1) + ", at the end "
                + Report.format(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 1)
                + ": anything above 2 means other processes shared the 2 cores with the run.\n";
    }

    private static String redisVersion(RedisServer redis) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            Matcher version = Pattern.compile("redis_version:(\\S+)").matcher(connection.sync().info("server"));
            return version.find() ? version.group(1) : "(version unknown)";
        } finally {
            client.shutdown();
        }
    }

    private static String etcdVersion(EtcdServer etcd) throws IOException, InterruptedException {
        HttpResponse<String> version = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(etcd.endpoints().split(",")[0] + "/version")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher server = Pattern.compile("\"etcdserver\":\"([^\"]+)\"").matcher(version.body());
        return server.find() ? server.group(1) : "(version unknown)";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    /** Kills both servers and deletes etcd's data; safe to call twice. */
    private static void stop(RedisServer redis, EtcdServer etcd) {
        redis.afterAll(null);
        if (!etcd.members().isEmpty()) {
            etcd.afterAll(null);
        }
    }
}
