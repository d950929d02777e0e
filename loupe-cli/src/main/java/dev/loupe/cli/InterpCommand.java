package dev.loupe.cli;

import picocli.CommandLine.Command;

/** {@code loupe interp}: parent of the auto-interp verbs; alone it prints its usage. */
@Command(name = "interp", mixinStandardHelpOptions = true,
        description = {"Auto-interp: explain and score features, puzzles, report.",
                "Explain, simulate and score (Bills et al.); neuron puzzles; the basis comparison of Cunningham et al. Fig. 2."},
        subcommands = {InterpRunCommand.class, InterpPuzzlesCommand.class, InterpReportCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe interp run --store loupe.db --dictionary sae", "  loupe interp puzzles",
                "  loupe interp report --store loupe.db --png fig2.png"})
final class InterpCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }
}
