package dev.loupe.cli;

import dev.loupe.intervene.FeatureTrees;
import dev.loupe.intervene.LogitAttribution;
import dev.loupe.intervene.Site;
import dev.loupe.intervene.TreeReport;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Causal tree of upstream features (--feature), or direct logit attribution (--prompt).",
                "Trees: ablate each upstream feature, rank by the drop of the target; writes JSON, DOT and PNG."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe trace --model models/loupe-1l --hook blocks.0.mlp.hook_post --baseline neurons --feature 3 \\",
                "      --upstream blocks.0.hook_resid_mid=neurons --upstream hook_embed=pca --depth 2 --out runs/tree",
                "  loupe trace --model models/loupe-1l --hook blocks.0.hook_resid_post --baseline neurons \\",
                "      --prompt \"public static void main(String[] args\""})
final class TraceCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin InterveneOptions io;

    @Option(names = "--feature", description = "Target feature of the tree.") Integer feature;
    @Option(names = "--upstream", paramLabel = "HOOK=DICT", description = "An earlier site, nearest first (repeatable); DICT: an SAE folder or a baseline.") List<String> upstream = new ArrayList<>();
    @Option(names = "--depth", defaultValue = "1", description = "Tree levels below the target (default: ${DEFAULT-VALUE}).") int depth;
    @Option(names = "--branching", defaultValue = "3", description = "Children per node (default: ${DEFAULT-VALUE}).") int branching;
    @Option(names = "--contexts", defaultValue = "32", description = "Contexts per node (default: ${DEFAULT-VALUE}).") int contexts;
    @Option(names = "--candidates", defaultValue = "64", description = "Upstream features tried per node (default: ${DEFAULT-VALUE}).") int candidates;
    @Option(names = "--windows", defaultValue = "64", description = "Corpus windows searched for contexts (default: ${DEFAULT-VALUE}).") int windows;
    @Option(names = "--out", paramLabel = "DIR", description = "Where the tree goes (tree.json, tree.dot, tree.png).") Path out;
    @Option(names = "--prompt", description = "Prompt for direct logit attribution.") String prompt;
    @Option(names = "--position", defaultValue = "-1", description = "Position to attribute (default: the last).") int position;
    @Option(names = "--token-id", defaultValue = "-1", description = "Logit to attribute (default: the top prediction).") int token;
    @Option(names = "--top", defaultValue = "10", description = "Features listed each way (default: ${DEFAULT-VALUE}).") int top;

    @Override public Integer call() {
        if ((feature == null) == (prompt == null)) throw new ConfigException("trace needs exactly one of --feature F (causal tree) or --prompt TEXT (logit attribution)");
        var o = spec.commandLine().getOut();
        Site target = io.site();
        if (prompt != null) {
            var r = LogitAttribution.attribute(io.model(), target.hook(), target.dict(), io.tokenizer().encode(prompt, true), position, token, top);
            o.printf(Locale.ROOT, "logit of %s at position %d: %.4f = features %.4f + error %.4f + offset %.4f + norm bias %.4f%n",
                    io.tokenizer().displayToken(r.token()), r.position(), r.logit(), r.featureSum(), r.error(), r.offset(), r.normBias());
            for (var c : r.top()) o.printf(Locale.ROOT, "  +  feature %6d  code %9.4f  logit %+9.4f%n", c.feature(), c.code(), c.logit());
            for (var c : r.bottom()) o.printf(Locale.ROOT, "  -  feature %6d  code %9.4f  logit %+9.4f%n", c.feature(), c.code(), c.logit());
        } else {
            if (out == null) throw new ConfigException("--feature needs --out DIR for the tree files");
            List<Site> sites = new ArrayList<>(List.of(target));
            for (String u : upstream) {
                int eq = u.indexOf('=');
                if (eq <= 0) throw new ConfigException("--upstream must look like HOOK=DICT (e.g. blocks.0.hook_resid_pre=neurons), got '" + u + "'");
                sites.add(io.resolve(u.substring(eq + 1), u.substring(0, eq)));
            }
            var root = FeatureTrees.trace(io.model(), io.windows(windows), sites, feature, new FeatureTrees.Options(contexts, branching, depth, candidates));
            TreeReport.write(out, root);
            print(o, root, "");
            o.println("wrote " + out.resolve("tree.json") + ", tree.dot, tree.png");
        }
        o.flush();
        return 0;
    }

    private static void print(java.io.PrintWriter o, FeatureTrees.Node n, String indent) {
        o.printf(Locale.ROOT, "%s%s #%d  max %.3f%s%n", indent, n.site(), n.feature(), n.maxActivation(),
                Double.isNaN(n.drop()) ? "" : String.format(Locale.ROOT, "  drop %.3f", n.drop()));
        for (var c : n.children()) print(o, c, indent + "  ");
    }
}
