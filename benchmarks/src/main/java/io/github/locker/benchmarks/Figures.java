package io.github.locker.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.AggregationPolicy;

/**
 * Figures a benchmark measures besides JMH's own score (hand-off percentiles, commands a server
 * received, heap per lock), recorded in the fork and handed to JMH by {@link FiguresProfiler} at
 * the end of each measured iteration, so they land in the run's results beside the score.
 */
final class Figures {
    /** A value and how JMH combines it over the measured iterations. */
    record Figure(double value, AggregationPolicy policy) {
    }

    private static final Map<String, Figure> RECORDED = new LinkedHashMap<>();

    private Figures() {
    }

    /**
     * A figure of this iteration, averaged over the measured iterations.
     *
     * @param name the figure's name, with its unit, e.g. {@code "hand-off p50 µs"}
     * @param value its value in this iteration
     */
    static synchronized void record(String name, double value) {
        RECORDED.put(name, new Figure(value, AggregationPolicy.AVG));
    }

    /**
     * Figures measured once per run (in the trial's tear-down, which runs in the last iteration).
     * JMH averages over every iteration, counting those without the figure as zero; the maximum
     * of one positive value and zeroes is that value.
     *
     * @param figures the figures, by name
     */
    static synchronized void recordOnce(Map<String, Double> figures) {
        figures.forEach((name, value) -> RECORDED.put(name, new Figure(value, AggregationPolicy.MAX)));
    }

    /** @return what was recorded since the last call, which forgets it */
    static synchronized Map<String, Figure> drain() {
        Map<String, Figure> recorded = new LinkedHashMap<>(RECORDED);
        RECORDED.clear();
        return recorded;
    }
}
