package io.github.locker.benchmarks;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/** The runs of one JMH invocation, found by benchmark method and parameters. */
final class Results {
    private final Collection<RunResult> runs;

    Results(Collection<RunResult> runs) {
        this.runs = runs;
    }

    Collection<RunResult> all() {
        return runs;
    }

    /**
     * @param benchmark {@code Class.method}, e.g. {@code UncontendedCycleBenchmark.oneThread}
     * @param params parameters the run must have
     * @return the run, when it ran
     */
    Optional<RunResult> find(String benchmark, Map<String, String> params) {
        return runs.stream()
                .filter(run -> run.getParams().getBenchmark().endsWith("." + benchmark))
                .filter(run -> params.entrySet().stream().allMatch(param -> param.getValue().equals(run.getParams().getParam(param.getKey()))))
                .findFirst();
    }

    /**
     * The median of the measured iterations' scores, not JMH's mean: on a machine shared with other
     * work, a burst of someone else's CPU use in one iteration moves the mean, hardly the median.
     *
     * @return the score, when the run ran
     */
    Optional<Double> score(String benchmark, Map<String, String> params) {
        return find(benchmark, params).map(RunResult::getPrimaryResult).map(Results::median);
    }

    /** @return the lowest and highest iteration score, when the run ran */
    Optional<double[]> range(String benchmark, Map<String, String> params) {
        return find(benchmark, params).map(RunResult::getPrimaryResult).map(Results::range);
    }

    /** @return the median over the measured iterations of a figure recorded in each, when the run recorded it */
    Optional<Double> figureMedian(String benchmark, Map<String, String> params, String name) {
        return figureResult(benchmark, params, name).map(Results::median);
    }

    /** @return the lowest and highest iteration value of a figure recorded in each, when the run recorded it */
    Optional<double[]> figureRange(String benchmark, Map<String, String> params, String name) {
        return figureResult(benchmark, params, name).map(Results::range);
    }

    private static double median(Result<?> result) {
        return result.getStatistics().getPercentile(50);
    }

    private static double[] range(Result<?> result) {
        return new double[] {result.getStatistics().getMin(), result.getStatistics().getMax()};
    }

    /** @return the figures of the run whose names start with {@code prefix}, by the rest of their name */
    Map<String, Double> figures(String benchmark, Map<String, String> params, String prefix) {
        Map<String, Double> figures = new TreeMap<>();
        find(benchmark, params).ifPresent(run -> run.getSecondaryResults().forEach((name, result) -> {
            if (name.startsWith(prefix)) {
                figures.put(name.substring(prefix.length()), result.getScore());
            }
        }));
        return figures;
    }

    /** @return a figure the run recorded through {@link Figures}, when it did */
    Optional<Double> figure(String benchmark, Map<String, String> params, String name) {
        return figureResult(benchmark, params, name).map(Result::getScore);
    }

    private Optional<Result<?>> figureResult(String benchmark, Map<String, String> params, String name) {
        return find(benchmark, params).map(run -> run.getSecondaryResults().get(name));
    }
}
