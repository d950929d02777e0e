package dev.loupe.cli;

import dev.loupe.util.LoupeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/**
 * Entry point of the {@code loupe} command. Each verb is one class under this package, registered
 * below; a verb parses flags into a config record and calls one library façade method.
 *
 * <p>Errors: {@link LoupeException}s become one line on stderr and the exception's exit code;
 * {@code -v} adds the stack trace. Bad flags exit 2 with picocli's usage message.
 */
@Command(name = "loupe", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Mechanistic interpretability for transformer language models.",
        subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, InfoCommand.class, InspectCommand.class, TokenizeCommand.class, ForwardCommand.class, GenerateCommand.class, BenchCommand.class, TrainTokenizerCommand.class, TrainLmCommand.class, ServeCommand.class, TrainSaeCommand.class, SynthCommand.class, EvalSaeCommand.class, ConvertSaeCommand.class, ExplainCommand.class, ScoreCommand.class, InterpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe info", "  loupe help forward"})
public final class Main implements Runnable {
    @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces on errors.")
    boolean verbose;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI in-process (tests call this) and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean verbose = parsed.hasMatchedOption("-v") || parsed.hasMatchedOption("--verbose")
                    || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("-v"));
            if (ex instanceof LoupeException le) {
                err.println("loupe: " + le.getMessage());
                if (verbose) ex.printStackTrace(err);
                err.flush();
                return le.exitCode();
            }
            err.println("loupe: internal error: " + ex + (verbose ? "" : " (rerun with -v for the stack trace)"));
            if (verbose) ex.printStackTrace(err);
            err.flush();
            return 70;
        });
        return cl.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() { return new String[]{"loupe " + version()}; }
    }

    static String version() {
        try (var in = Main.class.getResourceAsStream("version.properties")) {
            var p = new java.util.Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "dev");
        } catch (java.io.IOException e) {
            return "dev";
        }
    }
}
