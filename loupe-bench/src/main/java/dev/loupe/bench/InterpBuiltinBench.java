package dev.loupe.bench;

import dev.loupe.interp.AutoInterp;
import dev.loupe.interp.FeatureRecords;
import dev.loupe.interp.FeatureResult;
import dev.loupe.interp.InterpBenchmark;
import dev.loupe.interp.SplitConfig;
import dev.loupe.interp.builtin.RuleSimulator;
import dev.loupe.interp.builtin.StatisticalExplainer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Offline auto-interp throughput (issue acceptance: 4096 features explained and scored in under 60 s
 * on 2 cores): the built-in statistical explainer and rule simulator over synthetic features, each
 * with 40 top and 40 random 64-token excerpts ({@link InterpBenchmark#synthetic}), default splits
 * (explain 5, score 5+5 and 10 random, calibrate 5+5). {@code loupe bench interp} runs the same
 * workload without JMH and compares it with perfect scaling of its own 1-thread rate.
 * Run: {@code java -jar loupe-bench/target/loupe-bench.jar InterpBuiltinBench}; pin 2 cores with
 * {@code taskset -c 0,1} for the acceptance figure.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class InterpBuiltinBench {
    @Param({"4096"}) int features;
    @Param({"2"}) int threads;

    List<FeatureRecords> data;
    AutoInterp pipeline;

    @Setup public void setup() {
        data = InterpBenchmark.synthetic(features, 1);
        pipeline = new AutoInterp(new StatisticalExplainer(), RuleSimulator.factory(), SplitConfig.defaults());
    }

    @Benchmark public List<FeatureResult> explainAndScoreAll() { return pipeline.runAll(data, threads); }
}
