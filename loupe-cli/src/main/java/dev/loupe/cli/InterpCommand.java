package dev.loupe.cli;

import picocli.CommandLine.Command;

/** {@code loupe interp}: parent of the auto-interp verbs; alone it prints its usage. */
@Command(name = "interp", mixinStandardHelpOptions = true,
        description = "Automated interpretability: explain, simulate and score features; puzzles; the basis comparison.",
        subcommands = {InterpRunCommand.class, InterpPuzzlesCommand.class, InterpReportCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe interp run --store loupe.db --dictionary sae", "  loupe interp puzzles",
                "  loupe interp report --store loupe.db --png fig2.png"})
final class InterpCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }
}
