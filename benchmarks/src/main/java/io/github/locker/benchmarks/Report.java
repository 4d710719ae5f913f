package io.github.locker.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.DoublePredicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openjdk.jmh.results.RunResult;

/**
 * The markdown table of one run: for each goal of issue 9, ours and its baselines, their ratio,
 * whether the goal is met, and the server-side and client-side figures that say what the cycle
 * spends. Everything in it is computed from the run's results; a run that is missing shows as such.
 */
final class Report {
    static final String CYCLE = "UncontendedCycleBenchmark";
    static final String HAND_OFF = "HandOffBenchmark.cycle";
    static final String SCALE = "KeepAliveScaleBenchmark.holdThreeLeasePeriods";
    static final String INTERCEPTOR = "LockedInterceptorBenchmark";
    static final String METRICS = "MetricsBenchmark";
    static final String WAITERS = "AsyncWaitersBenchmark";
    static final String PRIMITIVES = "PrimitivesBenchmark.roundOfEach";
    /** Item 6's goal: the meters may add less than this share of a cycle. */
    private static final double METRICS_SHARE = 0.02;
    private static final String[] PROBE_FIGURES = {"round trips/cycle", "client CPU µs/cycle", "server CPU µs/cycle"};
    /** The probe's figures of the primitives' rows: the commands the scripts ran too, where the server's work is. */
    private static final String[] PRIMITIVE_PROBE_FIGURES = {"round trips/cycle", "commands in scripts/cycle",
        "server CPU µs/cycle", "client CPU µs/cycle"};

    /** One line of the table. {@code subject}/{@code benchmark}/{@code params} name ours' run, for profiling. */
    record Row(String item, String measure, String ours, String baselines, String ratio, String goal, Verdict verdict,
            String evidence, String benchmark, Map<String, String> params) {
    }

    /** One side of a comparison: a run's score or, with {@code figure}, one of its per-iteration figures. */
    private record Side(String label, String benchmark, Map<String, String> params, String figure) {
    }

    /** Whether a goal is met; {@code MISSING} when a run it needs did not run. */
    enum Verdict {
        MET("met"), NOT_MET("**not met**"), MISSING("not measured"), INFO("");

        final String text;

        Verdict(String text) {
            this.text = text;
        }
    }

    private final Results results;
    private final List<Row> rows = new ArrayList<>();

    Report(Results results) {
        this.results = results;
        // issue 18: Redis within 1.10× its floor and at least as fast as ShedLock's provider, etcd 1.2× its Lock service's cycles
        cycles("1 Redis", Subject.OURS_REDIS, Subject.FLOOR_REDIS, 1.10, Map.of(Subject.REDISSON, 1.0, Subject.SHEDLOCK_REDIS, 1.0));
        cycles("2 etcd", Subject.OURS_ETCD, Subject.FLOOR_ETCD, 1.15, Map.of(Subject.JETCD_LOCK, 1.2));
        handOff("3 Redis", Subject.OURS_REDIS);
        handOff("3 etcd", Subject.OURS_ETCD);
        redisRenewals();
        etcdRenewals();
        heapPerLock();
        interceptor("redis", "a Redis lock cycle");
        interceptor("held", "re-entering a held lock (no round trip)");
        metrics("oneThread", "1 thread");
        metrics("eightThreads", "8 threads");
        waiters("oneKey", waiters -> waiters + " async waiters on one key");
        waiters("keyEach", waiters -> waiters + " async waiters, one on each of " + waiters + " keys");
        for (PrimitivesBenchmark.Primitive primitive : PrimitivesBenchmark.Primitive.values()) {
            primitives(primitive, 1);
            primitives(primitive, 8);
        }
    }

    List<Row> rows() {
        return rows;
    }

    /**
     * Whether a goal not met is worth a Flight Recorder profile of ours. Not the renewal goals: their
     * cost is the round trips the server counted. Not the waiters' and the primitives' goals: one
     * fork runs ours' and Redisson's rounds by turns, so a profile could not tell whose samples are
     * whose; the waiters' threads are named in the row itself, the primitives' server cost too.
     *
     * @param row a row of the goals table
     * @return whether to profile ours for it
     */
    static boolean worthProfiling(Row row) {
        return row.verdict() == Verdict.NOT_MET && !row.benchmark().equals(SCALE) && !row.benchmark().startsWith(WAITERS + ".")
                && !row.benchmark().equals(PRIMITIVES);
    }

    /**
     * @param latencyGoal the most ours' cycle may take, as a multiple of the floor's
     * @param libraries the peers, each with the least multiple of its cycles/s ours must make
     */
    private void cycles(String item, Subject ours, Subject floor, double latencyGoal, Map<Subject, Double> libraries) {
        List<Subject> peers = libraries.keySet().stream().sorted().toList();
        for (String method : new String[] {"oneThread", "eightThreads"}) {
            int threads = method.equals("oneThread") ? 1 : 8;
            String benchmark = CYCLE + "." + method;
            String what = "uncontended lock+unlock, " + threads + (threads == 1 ? " thread" : " threads");
            Optional<Double> mine = results.score(benchmark, subject(ours));
            Optional<Double> floorScore = results.score(benchmark, subject(floor));
            withinFactor(item, what + ": latency µs", mine.map(us -> micros(benchmark, ours)),
                    floorScore.map(us -> "floor " + micros(benchmark, floor) + "; " + peers.stream()
                            .map(peer -> peer.label() + " " + results.score(benchmark, subject(peer)).map(x -> micros(benchmark, peer)).orElse("–"))
                            .collect(Collectors.joining("; "))),
                    ratio(mine, floorScore), "≤ " + latencyGoal + "× floor", benchmark, ours, floor, latencyGoal,
                    probe(ours, floor));
            Optional<Double> myRate = mine.map(us -> threads * 1e6 / us);
            for (Subject peer : peers) {
                double goal = libraries.get(peer);
                Optional<Double> peerRate = results.score(benchmark, subject(peer)).map(us -> threads * 1e6 / us);
                // ours' rate at least goal × the peer's is ours' cycle at most the peer's cycle / goal
                withinFactor(item, what + ": cycles/s", myRate.map(Report::perSecond), peerRate.map(rate -> peer.label() + " " + perSecond(rate)),
                        ratio(myRate, peerRate), "≥ " + goal + "× " + peer.label(), benchmark, ours, peer, 1 / goal,
                        probe(ours, peer));
            }
        }
    }

    /**
     * Adds a row whose goal is ours' cycle at most {@code factor} times the baseline's, by the
     * medians of the iterations. A median that misses or meets that bound by no more than the
     * iterations' own spread (the larger of the two lowest–highest ranges) is not a measurement of
     * it: such a row gives no verdict.
     */
    private void withinFactor(String item, String measure, Optional<String> oursText, Optional<String> baselineText,
            Optional<Double> ratio, String goal, String benchmark, Subject ours, Subject baseline, double factor, String evidence) {
        Side mySide = new Side(ours.label(), benchmark, subject(ours), null);
        Side theirSide = new Side(baseline.label(), benchmark, subject(baseline), null);
        Optional<Double> mine = median(mySide);
        Optional<Double> bound = median(theirSide).map(theirs -> theirs * factor);
        Optional<Double> spread = widestRange(mySide, theirSide);
        Optional<Double> beyond = mine.flatMap(x -> bound.map(y -> x - y));
        boolean resolvable = beyond.flatMap(x -> spread.map(most -> Math.abs(x) > most)).orElse(true);
        String goalText = resolvable ? goal : goal + ": no verdict, ours lies within the iterations' spread ("
                + spread.map(x -> format(x, 1)).orElse("–") + " µs) of the bound";
        rows.add(new Row(item, measure, oursText.orElse("–"), baselineText.orElse(""), ratio.map(x -> format(x, 2) + "×").orElse("–"),
                goalText, resolvable ? verdict(beyond.map(x -> x <= 0)) : Verdict.INFO, evidence, benchmark, subject(ours)));
    }

    private void handOff(String item, Subject ours) {
        Optional<Double> p50 = results.figure(HAND_OFF, subject(ours), "hand-off p50 µs");
        Optional<Double> p99 = results.figure(HAND_OFF, subject(ours), "hand-off p99 µs");
        String baselines = handOffLatency(Subject.REDISSON)
                + (ours.onRedis() ? "" : "; " + Subject.JETCD_LOCK.label() + " " + handOffLatency(Subject.JETCD_LOCK));
        add(item, "hand-off, 16 threads on 2 nodes, one key: unlock → next holder, p50 (p99) µs",
                p50.map(median -> format(median, 0) + " (" + p99.map(x -> format(x, 0)).orElse("–") + ")"),
                Optional.of(Subject.REDISSON.label() + " " + baselines), "", "p50 < 2,000 µs",
                p50.isPresent() ? Optional.of(p50.get() < 2_000) : Optional.empty(), handOffCost(ours), HAND_OFF, subject(ours));
        Optional<Double> rate = results.score(HAND_OFF, subject(ours));
        Optional<Double> redisson = results.score(HAND_OFF, subject(Subject.REDISSON));
        Optional<Double> jetcd = results.score(HAND_OFF, subject(Subject.JETCD_LOCK));
        add(item, "hand-off rate, cycles/s", rate.map(Report::perSecond),
                Optional.of(Subject.REDISSON.label() + " " + redisson.map(Report::perSecond).orElse("–")
                        + (ours.onRedis() ? "" : "; " + Subject.JETCD_LOCK.label() + " " + jetcd.map(Report::perSecond).orElse("–"))),
                ratio(rate, redisson), "≥ 1× Redisson", ratio -> ratio >= 1.0, handOffCost(ours), HAND_OFF, subject(ours));
    }

    /** @return what one hand-off cost the server, for ours and the baselines on the same server */
    private String handOffCost(Subject ours) {
        List<Subject> subjects = ours.onRedis() ? List.of(ours, Subject.REDISSON) : List.of(ours, Subject.JETCD_LOCK);
        List<String> names = ours.onRedis() ? List.of("server CPU µs", "commands incl. in scripts")
                : List.of("server CPU µs", "round trips", "raft proposals");
        return "per hand-off, " + subjects.stream().map(Subject::id).collect(Collectors.joining(" vs ")) + ": "
                + names.stream().map(name -> name + " " + subjects.stream()
                        .map(subject -> results.figure(HAND_OFF, subject(subject), name + "/hand-off").map(x -> format(x, 1)).orElse("–"))
                        .collect(Collectors.joining(" vs "))).collect(Collectors.joining(", "));
    }

    private String handOffLatency(Subject subject) {
        return results.figure(HAND_OFF, subject(subject), "hand-off p50 µs").map(x -> format(x, 0)).orElse("–") + " ("
                + results.figure(HAND_OFF, subject(subject), "hand-off p99 µs").map(x -> format(x, 0)).orElse("–") + ")";
    }

    private void redisRenewals() {
        Optional<Double> growth = renewalGrowth(Subject.OURS_REDIS);
        add("4 Redis", "10,000 locks kept alive: renewal round trips per tick (with 100 locks → with 10,000)",
                Optional.of(renewals(Subject.OURS_REDIS)),
                Optional.of(Subject.REDISSON.label() + " " + renewals(Subject.REDISSON)),
                growth.map(x -> format(x, 1) + "× for 100× the locks"),
                "batched: grows < 50× (linear: 100×)", growth.map(x -> x < 50),
                "renewal round trips/s with 10,000: ours " + scaleFigure(Subject.OURS_REDIS, "renewal round trips/s", 0)
                        + ", Redisson " + scaleFigure(Subject.REDISSON, "renewal round trips/s", 0)
                        + "; Redis commands/s incl. in scripts: ours " + scaleFigure(Subject.OURS_REDIS, "server commands/s", 0)
                        + ", Redisson " + scaleFigure(Subject.REDISSON, "server commands/s", 0),
                SCALE, Map.of("subject", Subject.OURS_REDIS.id(), "held", "10000"));
    }

    private void etcdRenewals() {
        Optional<Double> streams = results.figure(SCALE, scale(Subject.OURS_ETCD, 10_000), "keep-alive streams opened");
        Optional<Double> growth = renewalGrowth(Subject.OURS_ETCD);
        Optional<Boolean> met = streams.flatMap(opened -> growth.map(grows -> opened <= 1 && grows < 2));
        add("4 etcd", "10,000 locks kept alive: keep-alive streams opened; keep-alive messages per tick (100 → 10,000)",
                Optional.of(streams.map(x -> format(x, 0)).orElse("–") + " stream; " + renewals(Subject.OURS_ETCD)),
                Optional.empty(), growth.map(x -> format(x, 1) + "× for 100× the locks"),
                "O(1): one stream, flat messages", met,
                "etcd messages received/s with 10,000: " + scaleFigure(Subject.OURS_ETCD, "server commands/s", 1),
                SCALE, Map.of("subject", Subject.OURS_ETCD.id(), "held", "10000"));
    }

    private void heapPerLock() {
        String all = List.of(Subject.OURS_REDIS, Subject.OURS_ETCD, Subject.REDISSON).stream()
                .map(subject -> subject.label() + " " + scaleFigure(subject, "heap B/held lock", 0))
                .collect(Collectors.joining("; "));
        rows.add(new Row("4", "heap per held lock, bytes (10,000 held, after full GC)", all, "", "", "no goal",
                Verdict.INFO, "", SCALE, Map.of()));
    }

    private void interceptor(String lock, String what) {
        Map<String, String> params = Map.of("lock", lock);
        compare("5", "@Locked on Weld SE vs Locker.call, " + what + ": µs per call",
                new Side("@Locked", INTERCEPTOR + ".intercepted", params, null),
                new Side("Locker.call", INTERCEPTOR + ".direct", params, null), false, Optional.of(5.0), "overhead < 5 µs", 2, "");
    }

    private void metrics(String method, String threads) {
        String benchmark = METRICS + "." + method;
        Map<String, String> prometheus = Map.of("registry", "prometheus");
        Map<String, String> none = Map.of("registry", "none");
        String measure = "metrics (Micrometer, Prometheus registry) vs none, uncontended Redis lock+unlock, " + threads + ": ";
        String goal = "overhead < " + format(METRICS_SHARE * 100, 0) + " % of a cycle";
        Side wall = new Side("Prometheus", benchmark, prometheus, null);
        Side wallNone = new Side("none", benchmark, none, null);
        compare("6", measure + "µs per cycle", wall, wallNone, true,
                median(wallNone).map(cycle -> cycle * METRICS_SHARE), goal, 1, metricsProbe(benchmark, prometheus, none));
        Side cpu = new Side("Prometheus", benchmark, prometheus, MetricsBenchmark.CPU_FIGURE);
        Side cpuNone = new Side("none", benchmark, none, MetricsBenchmark.CPU_FIGURE);
        compare("6", measure + "client CPU µs per cycle (Java threads, per measured iteration)", cpu, cpuNone, true,
                median(cpuNone).map(cycle -> cycle * METRICS_SHARE), goal, 1,
                "of which the benchmark threads, where the meters record: "
                        + describe(new Side("Prometheus", benchmark, prometheus, MetricsBenchmark.CALLERS_CPU_FIGURE), 1) + " vs "
                        + describe(new Side("none", benchmark, none, MetricsBenchmark.CALLERS_CPU_FIGURE), 1));
    }

    /** @return what the trial-end probe (1,000 cycles on one thread) saw with Prometheus and without, and what the scrape counted */
    private String metricsProbe(String benchmark, Map<String, String> prometheus, Map<String, String> none) {
        return "probe of 1,000 more cycles on one thread, Prometheus vs none: "
                + Stream.of("server CPU µs/cycle", "round trips/cycle")
                        .map(name -> name.replace("/cycle", "") + " " + figure(benchmark, prometheus, name) + " vs "
                                + figure(benchmark, none, name))
                        .collect(Collectors.joining(", "))
                + "; acquisitions the Prometheus scrape counted: "
                + results.figure(benchmark, prometheus, "acquisitions the Prometheus scrape counted").map(x -> format(x, 0)).orElse("–");
    }

    /** Item 8: ours' lockAsync beside Redisson's, a round of each per measured iteration of one fork. */
    private void waiters(String method, UnaryOperator<String> scenario) {
        String benchmark = WAITERS + "." + method;
        Optional<Double> count = results.figure(benchmark, Map.of(), AsyncWaitersBenchmark.WAITERS_FIGURE);
        String measure = scenario.apply(count.map(x -> format(x, 0)).orElse("N"))
                + ", lockAsync beside Redisson's RLock.lockAsync, a round of each by turns: ";
        Optional<String> noMore = Optional.of("≤ Redisson's");
        waitersRow(benchmark, measure + "library threads while all wait (live threads added)", AsyncWaitersBenchmark.THREADS_WAITING,
                noMore, newThreads(benchmark));
        waitersRow(benchmark, measure + "peak threads added until all served", AsyncWaitersBenchmark.PEAK_THREADS, noMore,
                waitersFigures(benchmark, AsyncWaitersBenchmark.THREADS_AT_REST, AsyncWaitersBenchmark.THREADS_LEFT));
        waitersRow(benchmark, measure + "heap per waiter, bytes (after full GC, while all wait)", AsyncWaitersBenchmark.HEAP_PER_WAITER,
                Optional.empty(), "includes the stage the benchmark chains on each waiter, alike for both; thread stacks are not heap");
        waitersRow(benchmark, measure + "time to serve all, ms (holders' release → last waiter released)",
                AsyncWaitersBenchmark.SERVE_MILLIS, noMore,
                waitersFigures(benchmark, AsyncWaitersBenchmark.ISSUE_MILLIS, AsyncWaitersBenchmark.NOT_SETTLED)
                        + redissonSubscriptions(method, count));
    }

    /** Adds a row of one of the waiters' figures, ours beside Redisson's. */
    private void waitersRow(String benchmark, String measure, String figure, Optional<String> goal, String evidence) {
        atMost("8 Redis", measure, waitersSide(benchmark, Subject.OURS_REDIS, figure), waitersSide(benchmark, Subject.REDISSON, figure),
                goal, 0, evidence);
    }

    private static Side waitersSide(String benchmark, Subject subject, String measure) {
        return new Side(waitersLabel(subject), benchmark, Map.of(), AsyncWaitersBenchmark.figure(subject, measure));
    }

    private static String waitersLabel(Subject subject) {
        return subject == Subject.OURS_REDIS ? "ours" : "Redisson";
    }

    /** @return the medians of some more figures of each library's rounds, "name: ours x (lowest–highest), Redisson y (...); ..." */
    private String waitersFigures(String benchmark, String... measures) {
        return Stream.of(measures).map(measure -> measure + ": " + AsyncWaitersBenchmark.SUBJECTS.stream()
                .map(subject -> describe(waitersSide(benchmark, subject, measure), 0))
                .collect(Collectors.joining(", "))).collect(Collectors.joining("; "));
    }

    /** @return the threads each library added while all waited, by name: the median of the rounds that added any */
    private String newThreads(String benchmark) {
        return "added threads by name: " + AsyncWaitersBenchmark.SUBJECTS.stream().map(subject -> {
            String prefix = AsyncWaitersBenchmark.figure(subject, AsyncWaitersBenchmark.NEW_THREADS);
            String names = results.figures(benchmark, Map.of(), prefix).keySet().stream()
                    .map(name -> name + " " + results.figureMedian(benchmark, Map.of(), prefix + name).map(x -> format(x, 0)).orElse("–"))
                    .collect(Collectors.joining(", "));
            return waitersLabel(subject) + " " + (names.isEmpty() ? "none" : names);
        }).collect(Collectors.joining("; "));
    }

    /** @return that Redisson ran with more subscriptions per connection than its default, when it did */
    private static String redissonSubscriptions(String method, Optional<Double> waiters) {
        int perConnection = RedissonLocks.subscriptionsPerConnection(method.equals("oneKey") ? 1 : waiters.orElse(0.0).intValue());
        return perConnection == RedissonLocks.DEFAULT_SUBSCRIPTIONS_PER_CONNECTION ? ""
                : "; Redisson's subscriptions per connection raised from " + RedissonLocks.DEFAULT_SUBSCRIPTIONS_PER_CONNECTION
                        + " to " + perConnection + ": with its defaults, 500 waiters on as many keys failed"
                        + " (\"Unable to acquire connection for subscription\")";
    }

    /**
     * Adds the row of one primitive on some threads: each library's cycles per second in the rounds
     * of {@link PrimitivesBenchmark}, ours at least Redisson's; the server's count per cycle beside it.
     */
    private void primitives(PrimitivesBenchmark.Primitive primitive, int threads) {
        Map<String, String> params = Map.of("primitive", primitive.name(), "threads", Integer.toString(threads));
        String window = results.figure(PRIMITIVES, params, PrimitivesBenchmark.WINDOW_FIGURE).map(x -> format(x / 1000, 1) + " s")
                .orElse("a window");
        String measure = primitive.measure + ", " + threads + (threads == 1 ? " thread" : " threads")
                + ", a round of each by turns (" + window + " each): cycles/s";
        atLeast("9 Redis", measure, primitiveSide(params, Subject.OURS_REDIS, "ours"),
                primitiveSide(params, Subject.REDISSON, primitive.redisson), Optional.of("≥ 1× Redisson's"), 0,
                primitiveProbe(params));
    }

    private static Side primitiveSide(Map<String, String> params, Subject subject, String label) {
        return new Side(label, PRIMITIVES, params, subject.figure(PrimitivesBenchmark.CYCLES_PER_SECOND));
    }

    /** @return what the server counted per cycle of each library, "name ours vs Redisson, ..." */
    private String primitiveProbe(Map<String, String> params) {
        return describe(new Side("within each round, ours / Redisson", PRIMITIVES, params, PrimitivesBenchmark.RATIO_FIGURE), 2)
                + "; per cycle (1,000 more on one thread after the rounds), ours vs Redisson: " + Stream.of(PRIMITIVE_PROBE_FIGURES)
                .map(name -> name.replace("/cycle", "") + " " + figure(PRIMITIVES, params, Subject.OURS_REDIS.figure(name))
                        + " vs " + figure(PRIMITIVES, params, Subject.REDISSON.figure(name)))
                .collect(Collectors.joining(", "))
                + "; commands: ours " + primitiveCommands(params, Subject.OURS_REDIS) + "; Redisson "
                + primitiveCommands(params, Subject.REDISSON);
    }

    /** @return how many times a cycle of the subject ran each command, "NAME n, ..." */
    private String primitiveCommands(Map<String, String> params, Subject subject) {
        String commands = results.figures(PRIMITIVES, params, subject.figure(ServerCost.COMMAND_FIGURE)).entrySet().stream()
                .map(command -> command.getKey() + " " + format(command.getValue(), 1)).collect(Collectors.joining(", "));
        return commands.isEmpty() ? "–" : commands;
    }

    /**
     * Adds a row whose goal is ours at most the baseline, by the medians of the measured iterations.
     * A difference no larger than the iterations' own spread (the larger of the two lowest–highest
     * ranges) is not a measurement of it: such a row gives no verdict. Where neither side spreads
     * at all (counts that repeat exactly), the medians are compared as they are. The ratio is
     * left out where the baseline's median is zero.
     *
     * @param goal what the goal says, or empty for a row that only informs
     */
    private void atMost(String item, String measure, Side ours, Side baseline, Optional<String> goal, int decimals,
            String evidence) {
        byRounds(item, measure, ours, baseline, goal, decimals, evidence, difference -> difference <= 0);
    }

    /** As {@link #atMost}, but the goal is ours at least the baseline. */
    private void atLeast(String item, String measure, Side ours, Side baseline, Optional<String> goal, int decimals,
            String evidence) {
        byRounds(item, measure, ours, baseline, goal, decimals, evidence, difference -> difference >= 0);
    }

    /** @param met whether ours' median less the baseline's meets the goal, when outside the spread */
    private void byRounds(String item, String measure, Side ours, Side baseline, Optional<String> goal, int decimals,
            String evidence, DoublePredicate met) {
        Optional<Double> mine = median(ours);
        Optional<Double> theirs = median(baseline);
        Optional<Double> difference = mine.flatMap(x -> theirs.map(y -> x - y));
        Optional<Double> spread = widestRange(ours, baseline);
        boolean resolvable = difference.flatMap(x -> spread.map(most -> most == 0 || Math.abs(x) > most)).orElse(true);
        String signed = difference.map(x -> (x >= 0 ? "+" : "") + format(x, decimals)).orElse("–");
        String ratio = theirs.filter(y -> y != 0).flatMap(y -> mine.map(x -> format(x / y, 2) + "× (" + signed + ")")).orElse(signed);
        Verdict verdict = goal.isEmpty() || !resolvable ? Verdict.INFO : verdict(difference.map(met::test));
        String goalText = goal.orElse("no goal") + (goal.isPresent() && !resolvable
                ? ": no verdict, the difference lies inside the rounds' spread of " + spread.map(x -> format(x, decimals)).orElse("–")
                : "");
        rows.add(new Row(item, measure, describe(ours, decimals), describe(baseline, decimals), ratio, goalText, verdict,
                evidence, ours.benchmark(), ours.params()));
    }

    /**
     * Adds a row comparing a variant with its baseline by the medians of their measured iterations;
     * the difference must stay below {@code allowed}. A difference smaller than the iterations' own
     * spread is not a measurement of it: when either run's iterations spread by {@code allowed} or
     * more, the row gives no verdict.
     */
    private void compare(String item, String measure, Side variant, Side baseline, boolean withRatio,
            Optional<Double> allowed, String goal, int decimals, String evidence) {
        Optional<Double> mine = median(variant);
        Optional<Double> theirs = median(baseline);
        Optional<Double> overhead = mine.flatMap(via -> theirs.map(plain -> via - plain));
        Optional<Double> spread = widestRange(variant, baseline);
        boolean resolvable = spread.flatMap(x -> allowed.map(most -> x < most)).orElse(true);
        String difference = overhead.map(x -> (x >= 0 ? "+" : "") + format(x, decimals) + " µs").orElse("–");
        String ratio = withRatio ? ratio(mine, theirs).map(x -> format(x, 3) + "× (" + difference + ")").orElse("–") : difference;
        String limit = allowed.map(most -> " (" + format(most, decimals) + " µs)").orElse("");
        rows.add(new Row(item, measure, describe(variant, decimals), describe(baseline, decimals), ratio,
                resolvable ? goal + limit : goal + limit + ": no verdict, the iterations spread " + spread.map(x -> format(x, 1)).orElse("–") + " µs",
                resolvable ? verdict(overhead.flatMap(x -> allowed.map(most -> x < most))) : Verdict.INFO, evidence,
                variant.benchmark(), variant.params()));
    }

    private Optional<Double> median(Side side) {
        return side.figure() == null ? results.score(side.benchmark(), side.params())
                : results.figureMedian(side.benchmark(), side.params(), side.figure());
    }

    /** @return the wider of the two sides' lowest–highest ranges: what a difference must exceed to count */
    private Optional<Double> widestRange(Side one, Side other) {
        return range(one).flatMap(x -> range(other).map(y -> Math.max(x[1] - x[0], y[1] - y[0])));
    }

    private Optional<double[]> range(Side side) {
        return side.figure() == null ? results.range(side.benchmark(), side.params())
                : results.figureRange(side.benchmark(), side.params(), side.figure());
    }

    /** @return "label median (lowest–highest iteration)", or "–" when the run did not run */
    private String describe(Side side, int decimals) {
        return median(side).map(x -> side.label() + " " + format(x, decimals)
                + range(side).map(range -> " (" + format(range[0], decimals) + "–" + format(range[1], decimals) + ")").orElse(""))
                .orElse("–");
    }

    private static Verdict verdict(Optional<Boolean> met) {
        return met.map(yes -> yes ? Verdict.MET : Verdict.NOT_MET).orElse(Verdict.MISSING);
    }

    private void add(String item, String measure, Optional<String> ours, Optional<String> baselines,
            Optional<Double> ratio, String goal, DoublePredicate met, String evidence, String benchmark,
            Map<String, String> params) {
        add(item, measure, ours, baselines, ratio.map(x -> format(x, 2) + "×").orElse("–"), goal,
                ratio.map(met::test), evidence, benchmark, params);
    }

    private void add(String item, String measure, Optional<String> ours, Optional<String> baselines, String ratio,
            String goal, Optional<Boolean> met, String evidence, String benchmark, Map<String, String> params) {
        rows.add(new Row(item, measure, ours.orElse("–"), baselines.orElse(""), ratio, goal, verdict(met), evidence,
                benchmark, params));
    }

    private void add(String item, String measure, Optional<String> ours, Optional<String> baselines,
            Optional<String> ratio, String goal, Optional<Boolean> met, String evidence, String benchmark,
            Map<String, String> params) {
        add(item, measure, ours, baselines, ratio.orElse("–"), goal, met, evidence, benchmark, params);
    }

    /** @return "client CPU, server CPU and round trips per cycle" of ours beside a baseline's */
    private String probe(Subject ours, Subject other) {
        String benchmark = CYCLE + ".oneThread";
        StringBuilder text = new StringBuilder("per cycle, ours vs ").append(other.id()).append(": ");
        for (int i = 0; i < PROBE_FIGURES.length; i++) {
            String name = PROBE_FIGURES[i];
            text.append(i == 0 ? "" : ", ").append(name.replace("/cycle", "")).append(' ')
                    .append(results.figure(benchmark, subject(ours), name).map(x -> format(x, 1)).orElse("–"))
                    .append(" vs ")
                    .append(results.figure(benchmark, subject(other), name).map(x -> format(x, 1)).orElse("–"));
        }
        text.append("; ours' client CPU µs by thread: ").append(results.figures(benchmark, subject(ours), ServerCost.THREAD_FIGURE)
                .entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(group -> group.getKey() + " " + format(group.getValue(), 1)).collect(Collectors.joining(", ")));
        return text.toString();
    }

    private String figure(String benchmark, Map<String, String> params, String name) {
        return results.figure(benchmark, params, name).map(x -> format(x, 1)).orElse("–");
    }

    private String micros(String benchmark, Subject subject) {
        Map<String, String> params = subject(subject);
        return format(results.score(benchmark, params).orElseThrow(), 1) + spread(benchmark, params, 1);
    }

    /** @return " (lowest–highest iteration)" */
    private String spread(String benchmark, Map<String, String> params, int decimals) {
        return results.range(benchmark, params)
                .map(range -> " (" + format(range[0], decimals) + "–" + format(range[1], decimals) + ")").orElse("");
    }

    private String renewals(Subject subject) {
        return scaleFigure(subject, 100, "round trips/renewal tick", 1) + " → "
                + scaleFigure(subject, 10_000, "round trips/renewal tick", 1);
    }

    private Optional<Double> renewalGrowth(Subject subject) {
        return results.figure(SCALE, scale(subject, 10_000), "round trips/renewal tick").flatMap(many ->
                results.figure(SCALE, scale(subject, 100), "round trips/renewal tick").map(few -> many / few));
    }

    private String scaleFigure(Subject subject, String name, int decimals) {
        return scaleFigure(subject, 10_000, name, decimals);
    }

    private String scaleFigure(Subject subject, int held, String name, int decimals) {
        return results.figure(SCALE, scale(subject, held), name).map(x -> format(x, decimals)).orElse("–");
    }

    private static Map<String, String> subject(Subject subject) {
        return Map.of("subject", subject.id());
    }

    private static Map<String, String> scale(Subject subject, int held) {
        return Map.of("subject", subject.id(), "held", Integer.toString(held));
    }

    private static Optional<Double> ratio(Optional<Double> ours, Optional<Double> baseline) {
        return ours.flatMap(mine -> baseline.map(theirs -> mine / theirs));
    }

    private static String perSecond(double rate) {
        return format(rate, 0);
    }

    static String format(double value, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    /** @return the goals table */
    String goalsTable() {
        StringBuilder table = new StringBuilder(
                "| # | measure | ours | baselines | ratio | goal | verdict | where the cycle's cost is |\n"
                        + "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Row row : rows) {
            table.append("| ").append(String.join(" | ", row.item(), row.measure(), row.ours(), row.baselines(),
                    row.ratio(), row.goal(), row.verdict().text, row.evidence())).append(" |\n");
        }
        return table.toString();
    }

    /** @return every run's score and figures, for the record */
    String allRunsTable() {
        StringBuilder table = new StringBuilder("| benchmark | parameters | score | figures |\n| --- | --- | --- | --- |\n");
        for (RunResult run : results.all()) {
            String name = run.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            Map<String, String> params = new TreeMap<>();
            run.getParams().getParamsKeys().forEach(key -> params.put(key, run.getParams().getParam(key)));
            String score = format(run.getPrimaryResult().getScore(), 2)
                    + (Double.isNaN(run.getPrimaryResult().getScoreError()) ? ""
                            : " ± " + format(run.getPrimaryResult().getScoreError(), 2))
                    + " " + run.getPrimaryResult().getScoreUnit();
            String figures = run.getSecondaryResults().values().stream()
                    .map(figure -> figure.getLabel() + " " + format(figure.getScore(), 2))
                    .collect(Collectors.joining("; "));
            table.append("| ").append(name).append(" | ").append(params).append(" | ").append(score).append(" | ")
                    .append(figures).append(" |\n");
        }
        return table.toString();
    }
}
