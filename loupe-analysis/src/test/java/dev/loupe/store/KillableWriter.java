// Child process for StoreConsistencyTest: stages an analysis of dictionary "sae" (ids from the
// arguments; batch size third) batch after batch forever, printing STAGED once a batch has been committed, and
// waits to be killed. Never commits.
package dev.loupe.store;

import java.nio.file.Path;

public final class KillableWriter {
    public static void main(String[] args) throws Exception {
        try (FeatureStore s = FeatureStore.open(Path.of(args[0]))) {
            long dict = Long.parseLong(args[1]);
            s.setAnalysisBatchRows(Integer.parseInt(args[2]));
            AnalysisWriter w = s.beginAnalysis(dict, "{}");
            int n = s.dictionary(dict).dFeatures();
            for (int f = 0; f < n; f++) StoreFixtures.writeFeature(w, f, 99);   // 2 rows each: spans several batches
            System.out.println("STAGED " + w.runId());
            System.out.flush();
            Thread.sleep(600_000);
        }
    }
}
