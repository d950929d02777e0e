// Child process for AnalysisKillTest: analyses 64 random directions of loupe-1l's MLP activations on random windows (seed from
// the arguments) into the store, prints STAGED once FeatureAnalyzer has handed every row to the
// writer (at least one batch transaction is in the file by then), and waits to be killed. Never commits.
package dev.loupe.features;

import dev.loupe.store.AnalysisWriter;
import dev.loupe.store.FeatureStore;

import java.nio.file.Path;

public final class KillableAnalysis {
    public static void main(String[] args) throws Exception {
        try (FeatureStore s = FeatureStore.open(Path.of(args[0]))) {
            s.setAnalysisBatchRows(1_000);   // several transactions before STAGED
            AnalysisWriter w = AnalysisKillTest.begin(s);
            FeatureAnalyzer.analyze(Planted.model(), Planted.tokenizer(), AnalysisKillTest.HOOK, AnalysisKillTest.dictionary(),
                    AnalysisKillTest.windows(Long.parseLong(args[1])).iterator(), AnalysisKillTest.OPTIONS, w, null);
            System.out.println("STAGED " + w.runId());
            System.out.flush();
            Thread.sleep(600_000);
        }
    }
}
