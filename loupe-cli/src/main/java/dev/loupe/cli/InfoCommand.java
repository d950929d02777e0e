package dev.loupe.cli;

import dev.loupe.tensor.Kernels;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the Loupe version, JDK, kernel backend and thread count.",
        footerHeading = "%nExamples:%n", footer = {"  loupe info"})
final class InfoCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        var out = spec.commandLine().getOut();
        out.println("loupe    " + Main.version());
        out.println("jdk      " + System.getProperty("java.vm.name") + " " + Runtime.version()
                + " (" + System.getProperty("java.home") + ")");
        out.println("backend  " + Kernels.gemm().name());
        out.println("threads  " + Kernels.threads());
        out.flush();
        return 0;
    }
}
