package dev.loupe.cli;

import dev.loupe.interp.InterpOptions;
import dev.loupe.interp.puzzle.PuzzleEvaluator;
import dev.loupe.interp.puzzle.PuzzleLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "puzzles", mixinStandardHelpOptions = true,
        description = {"Run the neuron puzzles: does the explainer solve them, does the scorer rank the true explanation first?",
                "Loupe's own set always; Bills et al.'s set too with --bills (neuron-explainer's puzzles.json)."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe interp puzzles", "  loupe interp puzzles --bills ../shared/benchmarks/bills-puzzles/puzzles.json --table"})
final class InterpPuzzlesCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--bills", paramLabel = "FILE", description = "Also run this puzzles.json (Bills et al.'s layout).") Path bills;
    @Option(names = "--table", description = "Print one row per puzzle, not only the counts.") boolean table;
    @Mixin InterpBackendOptions backends;

    @Override public Integer call() {
        InterpOptions o = backends.options();
        PuzzleEvaluator ev = new PuzzleEvaluator(o.explainer(), o.simulators());
        var out = spec.commandLine().getOut();
        report(out, "loupe", ev.evaluate(PuzzleLoader.loupe()));
        if (bills != null) report(out, "bills", ev.evaluate(PuzzleLoader.load(bills)));
        out.flush();
        return 0;
    }

    private void report(java.io.PrintWriter out, String set, PuzzleEvaluator.Report r) {
        if (table) out.println(r.table());
        out.println(set + ": " + r.summary());
    }
}
