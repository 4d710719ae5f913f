package io.github.locker.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Turns the {@link Figures} a benchmark recorded during a measured iteration (including its
 * iteration and trial tear-downs, which run before this) into JMH secondary results.
 */
public final class FiguresProfiler implements InternalProfiler {

    @Override
    public String getDescription() {
        return "figures the locker benchmarks record besides the score";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        Figures.drain(); // what warm-up iterations recorded is not a measurement
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
            IterationParams iterationParams, IterationResult result) {
        List<Result> figures = new ArrayList<>();
        Figures.drain().forEach((name, figure) -> figures.add(new ScalarResult(name, figure.value(), "", figure.policy())));
        return figures;
    }
}
