// The `loupe probe` pipeline: read a ProbeDataset, collect activations of a hook (ProbeActivations)
// and, when a dictionary is given, its feature codes; for each target class (class 1 of a binary
// dataset, every class one-vs-rest otherwise) sweep k-sparse probes over neurons and over features
// (ProbeSweep), check the best k = 1 unit of each (UnitProfile on the test rows, and how many of its
// top activations are positives: a polysemantic unit's are not); then print the table, write
// probe.json and one PNG per class (test metric vs k, neurons and features on one chart), and add
// the sparse rows (k <= 8) to a feature store. Dictionaries: an SAE folder (SAELens / sparsify) or
// a baseline fitted on the probe's own neuron rows (pca:N, ica:N, random:N). Not the probes
// themselves (ProbeSweep) and not a dataset generator (ProbeDatasets).
package dev.loupe.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.dictionary.Baselines;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.plot.Plots;
import dev.loupe.sae.io.SaeFolders;
import dev.loupe.sae.train.ArraySource;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.ModelInfo;
import dev.loupe.tensor.Tensor;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.AtomicFiles;
import dev.loupe.util.ConfigException;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

public final class ProbeRun {
    private ProbeRun() {}

    /** A k meaning "every unit". */
    public static final int ALL = Integer.MAX_VALUE;

    static final int TOP_ACTIVATIONS = 50, PROFILE_BINS = 20;

    /**
     * @param model      model path (null for a precomputed dataset)
     * @param ks         k values (empty: the paper's grid; ALL: every unit)
     * @param dictionary SAE folder or baseline spec pca:N / ica:N / random:N (null: neurons only)
     * @param out        folder for probe.json and PNGs (null: none)
     * @param store      feature store to add results to (null: none)
     */
    public record Config(Path dataset, Path model, String hook, String dictionary, List<ProbeSweep.Selection> methods, int[] ks,
                         ProbeDataset.Aggregation aggregation, int maxRows, double testFraction, long seed, Path out, Path store) {
        public Config {
            if (dataset == null) throw new ConfigException("give --dataset FILE (write one with `loupe probe-data`)");
            if (model != null && (hook == null || hook.isBlank())) throw new ConfigException("give --hook NAME, e.g. blocks.0.mlp.hook_post");
            methods = List.copyOf(methods);
            ks = ks == null ? new int[0] : ks.clone();
        }
    }

    /** The best k = 1 unit's monosemanticity check: profile on test rows and precision of its top activations. */
    public record Check(UnitProfile profile, int top, double topPrecision) {}

    /** Sweep rows and check for one kind of unit ("neurons" or "features"). */
    public record UnitResults(String kind, int units, List<ProbeSweep.Row> rows, Check check) {}

    /** One target class: its name in the store ("concept" or "concept=class"), class sizes, results. */
    public record ClassResult(String name, int positives, int negatives, List<UnitResults> results) {}

    public record Report(String concept, int rows, int examples, long tokens, List<ClassResult> classes) {}

    public static Report run(Config c, PrintWriter log) {
        ProbeDataset ds = ProbeDataset.read(c.dataset());
        ProbeActivations.Source src = null;
        if (c.model() != null) {
            Transformer m = ModelLoader.load(c.model());
            src = new ProbeActivations.Source(m, Tokenizers.load(ModelLoader.tokenizerNextTo(c.model())), c.hook());
        }
        boolean baseline = isBaseline(c.dictionary());
        Dictionary sae = c.dictionary() == null || baseline ? null : SaeFolders.read(Path.of(c.dictionary()));
        ProbeActivations.Result acts = ProbeActivations.collect(ds, src, sae, c.aggregation(), c.maxRows());
        ProbeActivations.Rows features = acts.features();
        Dictionary dict = sae;
        if (baseline) {
            dict = baseline(c.dictionary(), acts.neurons(), c.seed());
            features = encode(dict, acts.neurons());
        }
        log.printf(Locale.ROOT, "%s: %d rows from %d examples (%d tokens), %d neurons%s%n", ds.header().concept(), acts.neurons().n(), acts.examples(),
                acts.tokens(), acts.neurons().units(), features == null ? "" : ", " + features.units() + " features (" + dict.kind() + ")");
        log.flush();

        List<String> classes = ds.header().classes();
        List<ClassResult> results = new ArrayList<>();
        for (int cls = classes.size() == 2 ? 1 : 0; cls < classes.size(); cls++) {
            long pos = acts.neurons().count(cls);
            String name = classes.size() == 2 ? ds.header().concept() : ds.header().concept() + "=" + classes.get(cls);
            if (pos == 0 || pos == acts.neurons().n()) { log.println(name + ": skipped, all rows are " + (pos == 0 ? "negative" : "positive")); continue; }
            ProbeSweep.Config sc = new ProbeSweep.Config(c.methods(), c.ks(), 1e-3, c.testFraction(), c.seed(), 16);
            List<UnitResults> ur = new ArrayList<>();
            ur.add(sweep("neurons", acts.neurons().binary(cls), sc));
            if (features != null) ur.add(sweep("features", features.binary(cls), sc));
            results.add(new ClassResult(name, (int) pos, (int) (acts.neurons().n() - pos), ur));
        }
        Report report = new Report(ds.header().concept(), acts.neurons().n(), acts.examples(), acts.tokens(), results);
        log.print(table(report));
        log.flush();
        if (c.out() != null) write(report, c, dict);
        if (c.store() != null) store(report, c, dict);
        return report;
    }

    /** A baseline spec (pca:N, ica:N, random:N) rather than an SAE folder. */
    static boolean isBaseline(String dictionary) {
        return dictionary != null && dictionary.matches("(pca|ica|random):\\d+");
    }

    static Dictionary baseline(String spec, ProbeActivations.Rows rows, long seed) {
        String[] p = spec.split(":");
        int m = Integer.parseInt(p[1]);
        if (m < 1) throw new ConfigException("baseline " + spec + " needs at least one feature");
        ArraySource s = new ArraySource(rows.x(), rows.units());
        return switch (p[0]) {
            case "pca" -> Baselines.pca(s, rows.n(), Math.min(m, rows.units()));
            case "ica" -> Baselines.ica(s, rows.n(), Math.min(m, rows.units()), seed, 200);
            default -> Baselines.randomDirections(rows.units(), m, seed);
        };
    }

    static ProbeActivations.Rows encode(Dictionary d, ProbeActivations.Rows r) {
        float[] codes = d.encode(new Tensor(r.x(), r.n(), r.units())).data();   // [n, dFeatures]
        return new ProbeActivations.Rows(codes, r.n(), d.dFeatures(), r.labels(), r.groups());
    }

    static UnitResults sweep(String kind, ProbeData d, ProbeSweep.Config sc) {
        // k beyond this kind's units is left out (features and neurons differ in width); ALL is every unit
        int[] ks = Arrays.stream(sc.ks().length == 0 ? ProbeSweep.kGrid(d.units()) : sc.ks()).map(k -> k == ALL ? d.units() : k)
                .filter(k -> k <= d.units()).distinct().toArray();
        List<ProbeSweep.Row> rows = ProbeSweep.sweep(d, new ProbeSweep.Config(sc.methods(), ks, sc.l2(), sc.testFraction(), sc.seed(), sc.screen()));
        return new UnitResults(kind, d.units(), rows, check(d, bestSingle(rows), sc));
    }

    /** The k = 1 row with the best test F1 (null when the grid has no k = 1). */
    static ProbeSweep.Row bestSingle(List<ProbeSweep.Row> rows) {
        return rows.stream().filter(r -> r.k() == 1).max(Comparator.comparingDouble(r -> r.test().f1())).orElse(null);
    }

    static Check check(ProbeData d, ProbeSweep.Row best, ProbeSweep.Config sc) {
        if (best == null) return null;
        int unit = best.units()[0];
        int[] test = d.splitByGroup(sc.testFraction(), sc.seed()).test();
        UnitProfile p = UnitProfile.of(d, test, unit, PROFILE_BINS);
        boolean higherOnPositives = !(p.meanPositive() < p.meanNegative());
        int top = Math.min(TOP_ACTIVATIONS, d.n());
        long hits = IntStream.range(0, d.n()).boxed()
                .sorted(Comparator.comparingDouble(i -> higherOnPositives ? -d.get(i, unit) : d.get(i, unit)))
                .limit(top).filter(i -> d.y()[i] == 1).count();
        return new Check(p, top, (double) hits / top);
    }

    // ---- output --------------------------------------------------------------------------------

    public static String table(Report r) {
        StringBuilder sb = new StringBuilder();
        for (ClassResult c : r.classes()) {
            sb.append(String.format(Locale.ROOT, "%n%s: %d positive / %d negative rows%n", c.name(), c.positives(), c.negatives()));
            sb.append(String.format(Locale.ROOT, "%-9s %-12s %5s %6s %6s %6s %7s %6s  %s%n", "units", "method", "k", "acc", "F1", "MCC", "ROC-AUC", "PR-AUC", "selected"));
            for (UnitResults u : c.results())
                for (ProbeSweep.Row row : u.rows()) {
                    Metrics t = row.test();
                    sb.append(String.format(Locale.ROOT, "%-9s %-12s %5d %6.3f %6.3f %6.3f %7.3f %6.3f  %s%n", u.kind(), row.method().name().toLowerCase(Locale.ROOT),
                            row.k(), t.accuracy(), t.f1(), t.mcc(), t.rocAuc(), t.prAuc(), units(row.units())));
                }
            for (UnitResults u : c.results()) {
                if (u.check() == null) continue;
                UnitProfile p = u.check().profile();
                sb.append(String.format(Locale.ROOT, "best k=1 %s: %d  (mean %.3f on positives vs %.3f on negatives, AUC %.3f; %.0f%% of its top %d activations are positives)%n",
                        u.kind().substring(0, u.kind().length() - 1), p.unit(), p.meanPositive(), p.meanNegative(), p.rocAuc(), 100 * u.check().topPrecision(), u.check().top()));
            }
        }
        return sb.toString();
    }

    private static String units(int[] u) {
        String head = Arrays.stream(u).limit(8).mapToObj(Integer::toString).collect(Collectors.joining(","));
        return "[" + head + (u.length > 8 ? ",... +" + (u.length - 8) : "") + "]";
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static void write(Report r, Config c, Dictionary dict) {
        try {
            Files.createDirectories(c.out());
        } catch (java.io.IOException e) {
            throw new ConfigException("cannot create output folder " + c.out() + " (" + e.getMessage() + ")");
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("concept", r.concept());
        root.put("dataset", c.dataset().toString());
        root.put("model", c.model() == null ? null : c.model().toString());
        root.put("hook", c.hook());
        root.put("dictionary", c.dictionary());
        if (dict != null) root.put("dictionary_kind", dict.kind());
        root.put("rows", r.rows());
        root.put("examples", r.examples());
        root.put("test_fraction", c.testFraction());
        root.put("seed", c.seed());
        ArrayNode classes = root.putArray("classes");
        for (ClassResult cr : r.classes()) {
            ObjectNode cn = classes.addObject();
            cn.put("name", cr.name()).put("positives", cr.positives()).put("negatives", cr.negatives());
            for (UnitResults u : cr.results()) {
                ObjectNode un = cn.putObject(u.kind());
                un.put("units", u.units());
                ArrayNode rows = un.putArray("probes");
                for (ProbeSweep.Row row : u.rows()) {
                    ObjectNode rn = rows.addObject();
                    rn.put("method", row.method().name().toLowerCase(Locale.ROOT)).put("k", row.k());
                    ArrayNode sel = rn.putArray("units");
                    for (int v : row.units()) sel.add(v);
                    ArrayNode w = rn.putArray("weights");
                    for (double v : row.weights()) w.add(v);
                    metrics(rn.putObject("train"), row.train());
                    metrics(rn.putObject("test"), row.test());
                }
                if (u.check() != null) {
                    UnitProfile p = u.check().profile();
                    ObjectNode ch = un.putObject("best_k1_check");
                    ch.put("unit", p.unit()).put("mean_positive", p.meanPositive()).put("mean_negative", p.meanNegative()).put("roc_auc", p.rocAuc())
                            .put("top", u.check().top()).put("top_precision", u.check().topPrecision());
                    ArrayNode edges = ch.putArray("edges"), ps = ch.putArray("positives"), ns = ch.putArray("negatives");
                    for (double e : p.edges()) edges.add(e);
                    for (long v : p.positives()) ps.add(v);
                    for (long v : p.negatives()) ns.add(v);
                }
            }
            plot(cr, c.out().resolve("probe-" + cr.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".png"));
        }
        AtomicFiles.writeString(c.out().resolve("probe.json"), root.toPrettyString() + "\n");
    }

    private static void metrics(ObjectNode n, Metrics m) {
        n.put("accuracy", m.accuracy()).put("f1", m.f1()).put("mcc", m.mcc()).put("roc_auc", m.rocAuc()).put("pr_auc", m.prAuc());
    }

    /** Test F1 vs k, one line per (unit kind, method). */
    static void plot(ClassResult cr, Path png) {
        List<Plots.Series> series = new ArrayList<>();
        for (UnitResults u : cr.results())
            for (ProbeSweep.Selection m : ProbeSweep.Selection.values()) {
                List<ProbeSweep.Row> rows = u.rows().stream().filter(r -> r.method() == m).toList();
                if (rows.isEmpty()) continue;
                series.add(Plots.Series.line(u.kind() + " " + m.name().toLowerCase(Locale.ROOT),
                        rows.stream().mapToDouble(ProbeSweep.Row::k).toArray(), rows.stream().mapToDouble(r -> r.test().f1()).toArray()));
            }
        // a log k axis only pays off past 16: XChart labels only its powers of ten
        boolean logK = series.stream().flatMapToDouble(sr -> Arrays.stream(sr.x())).max().orElse(1) > 16;
        Plots.xy(png, "k-sparse probes for " + cr.name(), "k (units in the probe)", "test F1", series, logK, false);
    }

    static void store(Report r, Config c, Dictionary dict) {
        try (FeatureStore fs = FeatureStore.open(c.store())) {
            String modelName = c.model() == null ? "precomputed:" + c.dataset().getFileName() : c.model().toAbsolutePath().normalize().getFileName().toString();
            long modelId = fs.putModel(ModelInfo.of(modelName, null, c.model() == null ? null : c.model().toAbsolutePath().toString()));
            String hook = c.hook() == null ? "precomputed" : c.hook();
            long dictId = 0;
            if (dict != null) {
                boolean baseline = isBaseline(c.dictionary());
                String name = baseline ? c.dictionary() + "@" + modelName + "/" + hook : Path.of(c.dictionary()).toAbsolutePath().normalize().getFileName().toString();
                DictionaryInfo info = DictionaryInfo.of(name, modelId, hook, dict.kind(), dict.dIn(), dict.dFeatures());
                dictId = fs.putDictionary(baseline ? info : info.withPath(Path.of(c.dictionary()).toAbsolutePath().toString()));
            }
            String prov = JSON.createObjectNode().put("dataset", c.dataset().toString()).put("test_fraction", c.testFraction()).put("seed", c.seed()).toString();
            for (ClassResult cr : r.classes())
                for (UnitResults u : cr.results())
                    for (ProbeSweep.Row row : u.rows()) {
                        if (row.k() > SparseProbeSearch.MAX_K) continue;
                        fs.addProbeResult(ProbeSweep.toStoreRecord(row, cr.name(), modelId, hook, u.kind().equals("features") ? dictId : 0, prov));
                    }
        }
    }
}
