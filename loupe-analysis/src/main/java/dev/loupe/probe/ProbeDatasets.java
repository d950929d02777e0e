// Generators of probing datasets for concepts Loupe's own models can represent (the library call
// behind `loupe probe-data`):
//   java-javadoc, java-string, java-identifier, java-import   token level, from held-out JDK sources
//       (TextCorpus split of the corpus, default $JAVA_HOME/lib/src.zip) labelled by JavaLexer;
//       each document gives up to `perDocument` chunks of about `chunkChars` characters cut at line
//       ends (java-import: consecutive from the top, where imports are; others: each from a line
//       start at a seeded-hash position), the lexer run over the whole document so a chunk that
//       opens inside a comment is still labelled right. Group = the source file (the split never
//       divides a file).
//   stories-quote, stories-name   token level, on stories sampled from a llama2.c story model
//       (stories260K): inside a "quoted" passage (quotes included; contextual: the same word is
//       positive or negative depending on what came before), and part of a character's name
//       (a capitalised word other than "I" that occurs somewhere mid-sentence in the stories, so
//       sentence-initial "She" is not a name but sentence-initial "Lily" is).
//   synthetic-monosemantic, synthetic-superposed   precomputed activations of SyntheticProbing
//       (planted neuron / superposed pair), one example per synthetic document.
// Not a labeller for arbitrary text; not a data download: every source is on this machine.
package dev.loupe.probe;

import dev.loupe.corpus.Document;
import dev.loupe.corpus.TextCorpus;
import dev.loupe.model.Generator;
import dev.loupe.model.Sampling;
import dev.loupe.model.Transformer;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.util.ConfigException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class ProbeDatasets {
    private ProbeDatasets() {}

    public static final List<String> CONCEPTS = List.of("java-javadoc", "java-string", "java-identifier", "java-import",
            "stories-quote", "stories-name", "synthetic-monosemantic", "synthetic-superposed");

    /**
     * @param corpus      JDK-style source corpus for java-* (null: the running JDK's src.zip)
     * @param model       story model for stories-* (a llama2.c .bin; its tokenizer next to it)
     * @param examples    examples to write
     * @param chunkChars  java-*: characters per chunk (cut at a line end)
     * @param perDocument java-*: chunks taken from each document
     * @param seed        sampling / synthetic seed
     */
    public record Options(Path corpus, Path model, int examples, int chunkChars, int perDocument, long seed) {
        public Options {
            if (examples < 1) throw new ConfigException("number of examples " + examples + " must be >= 1");
            if (chunkChars < 16) throw new ConfigException("chunk size " + chunkChars + " characters is too small (>= 16)");
            if (perDocument < 1) throw new ConfigException("chunks per document " + perDocument + " must be >= 1");
        }

        public static Options defaults() { return new Options(null, null, 1000, 400, 2, 0); }
    }

    public static ProbeDataset generate(String concept, Options o) {
        return switch (concept) {
            case "java-javadoc", "java-string", "java-identifier", "java-import" -> {
                Path corpus = o.corpus() != null ? o.corpus() : TextCorpus.defaultCorpus();
                yield java(concept, TextCorpus.split(TextCorpus.read(corpus), 0.1).heldOut(), o);
            }
            case "stories-quote", "stories-name" -> {
                if (o.model() == null) throw new ConfigException(concept + " samples stories from a story model; give --model (e.g. stories260K.bin)");
                Transformer m = dev.loupe.model.arch.ModelLoader.load(o.model());
                Tokenizer tok = dev.loupe.tokenizer.Tokenizers.load(dev.loupe.model.arch.ModelLoader.tokenizerNextTo(o.model()));
                yield stories(concept, sampleStories(m, tok, o.examples(), Math.min(256, m.config().nCtx() - 1), o.seed()));
            }
            case "synthetic-monosemantic", "synthetic-superposed" -> synthetic(concept, o.examples(), o.seed());
            default -> throw new ConfigException("unknown concept '" + concept + "'; known: " + String.join(", ", CONCEPTS));
        };
    }

    // ---- Java ----------------------------------------------------------------------------------

    static JavaLexer.Kind javaKind(String concept) {
        return switch (concept) {
            case "java-javadoc" -> JavaLexer.Kind.JAVADOC;
            case "java-string" -> JavaLexer.Kind.STRING;
            case "java-identifier" -> JavaLexer.Kind.IDENTIFIER;
            case "java-import" -> JavaLexer.Kind.IMPORT_LINE;
            default -> throw new ConfigException("unknown Java concept '" + concept + "'");
        };
    }

    public static ProbeDataset java(String concept, List<Document> docs, Options o) {
        JavaLexer.Kind kind = javaKind(concept);
        List<ProbeDataset.Example> out = new ArrayList<>();
        for (Document d : docs) {
            if (out.size() >= o.examples()) break;
            String s = d.text();
            List<JavaLexer.Span> spans = JavaLexer.lex(s, kind);
            int from = 0;
            Set<Integer> starts = new HashSet<>();
            for (int c = 0; c < o.perDocument() && (kind != JavaLexer.Kind.IMPORT_LINE || from < s.length()) && out.size() < o.examples(); c++) {
                if (kind != JavaLexer.Kind.IMPORT_LINE) from = lineStartAfter(s, TextCorpus.bucket(d.id() + "#" + c, "probe-chunk-" + o.seed(), Math.max(1, s.length() - o.chunkChars() / 2)));
                int to = Math.min(s.length(), from + o.chunkChars());
                int nl = s.lastIndexOf('\n', to - 1);
                if (to < s.length() && nl > from) to = nl + 1;
                List<ProbeDataset.Span> clipped = new ArrayList<>();
                for (JavaLexer.Span sp : spans) {
                    int a = Math.max(sp.start(), from), b = Math.min(sp.end(), to);
                    if (a < b) clipped.add(new ProbeDataset.Span(a - from, b - from, 1));
                }
                String text = s.substring(from, to);
                if (!text.isBlank() && starts.add(from)) out.add(ProbeDataset.Example.tokens(d.id() + "@" + from, d.id(), text, clipped, 0));
                from = to;
            }
        }
        if (out.isEmpty()) throw new ConfigException("no held-out documents to build " + concept + " from; give a larger --corpus");
        String label = concept.substring("java-".length());
        return new ProbeDataset(new ProbeDataset.Header(concept, ProbeDataset.Level.TOKEN, List.of("other", label), ProbeDataset.Aggregation.LAST,
                "token's last character is " + switch (kind) {
                    case JAVADOC -> "inside a Javadoc comment";
                    case STRING -> "inside a string literal (quotes included)";
                    case IDENTIFIER -> "part of an identifier";
                    default -> "on an import line";
                } + " (JavaLexer over held-out JDK sources)"), out);
    }

    /** Start of the line holding char `at` (0 if none before it). */
    private static int lineStartAfter(String s, long at) {
        return s.lastIndexOf('\n', (int) at - 1) + 1;
    }

    // ---- stories -------------------------------------------------------------------------------

    /** Stories sampled from BOS (temperature 1, top-p 0.9), one per seed, cut at the next BOS/EOS. */
    public static List<String> sampleStories(Transformer model, Tokenizer tok, int n, int maxTokens, long seed) {
        int bos = tok.bosId().orElseThrow(() -> new ConfigException("the story model's tokenizer has no BOS id"));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] ids = Generator.generate(model, new int[] {bos}, maxTokens, Sampling.sample(1.0, 0.9, seed * 1_000_003L + i), bos, true);
            int end = 0;
            while (end < ids.length && ids[end] != bos && ids[end] != tok.eosId().orElse(-1)) end++;
            String text = tok.decode(Arrays.copyOf(ids, end), true).strip();
            if (!text.isEmpty()) out.add(text);
        }
        return out;
    }

    private static final Pattern WORD = Pattern.compile("\\p{L}+");

    public static ProbeDataset stories(String concept, List<String> stories) {
        boolean quote = switch (concept) {
            case "stories-quote" -> true;
            case "stories-name" -> false;
            default -> throw new ConfigException("unknown stories concept '" + concept + "'");
        };
        Set<String> names = quote ? Set.of() : names(stories);
        List<ProbeDataset.Example> out = new ArrayList<>();
        for (int i = 0; i < stories.size(); i++) {
            String s = stories.get(i);
            List<ProbeDataset.Span> spans = new ArrayList<>();
            if (quote) {
                for (int open = s.indexOf('"'); open >= 0; ) {
                    int close = s.indexOf('"', open + 1);
                    int end = close < 0 ? s.length() : close + 1;
                    spans.add(new ProbeDataset.Span(open, end, 1));
                    open = close < 0 ? -1 : s.indexOf('"', end);
                }
            } else {
                for (Matcher m = WORD.matcher(s); m.find(); )
                    if (names.contains(m.group())) spans.add(new ProbeDataset.Span(m.start(), m.end(), 1));
            }
            out.add(ProbeDataset.Example.tokens("story-" + i, "story-" + i, s, spans, 0));
        }
        return new ProbeDataset(new ProbeDataset.Header(concept, ProbeDataset.Level.TOKEN, List.of("other", quote ? "quote" : "name"),
                ProbeDataset.Aggregation.LAST, quote ? "token's last character is inside a quoted passage (quotes included) of a sampled story"
                        : "token is part of a character's name (a capitalised word seen mid-sentence) in a sampled story"), out);
    }

    /** Capitalised words other than "I" that occur at least once not at a sentence or quote start. */
    static Set<String> names(List<String> stories) {
        Set<String> names = new HashSet<>();
        for (String s : stories)
            for (Matcher m = WORD.matcher(s); m.find(); ) {
                String w = m.group();
                if (!Character.isUpperCase(w.charAt(0)) || w.equals("I")) continue;
                int p = m.start() - 1;
                while (p >= 0 && Character.isWhitespace(s.charAt(p))) p--;
                boolean sentenceStart = p < 0 || ".!?\"".indexOf(s.charAt(p)) >= 0;
                if (!sentenceStart) names.add(w);
            }
        return names;
    }

    // ---- synthetic -----------------------------------------------------------------------------

    static final int SYNTHETIC_TOKENS = 20, SYNTHETIC_NEURONS = 24;

    /** One example per synthetic document of SYNTHETIC_TOKENS tokens over SYNTHETIC_NEURONS neurons. */
    public static ProbeDataset synthetic(String concept, int documents, long seed) {
        boolean mono = switch (concept) {
            case "synthetic-monosemantic" -> true;
            case "synthetic-superposed" -> false;
            default -> throw new ConfigException("unknown synthetic concept '" + concept + "'");
        };
        SyntheticProbing.Setting s = SyntheticProbing.generate(seed, Math.max(4, documents), SYNTHETIC_TOKENS, SYNTHETIC_NEURONS);
        ProbeData d = mono ? s.monosemantic() : s.superposed();
        int u = d.units();
        List<ProbeDataset.Example> out = new ArrayList<>();
        for (int doc = 0; doc * SYNTHETIC_TOKENS < d.n(); doc++) {
            int from = doc * SYNTHETIC_TOKENS;
            out.add(ProbeDataset.Example.precomputed("doc-" + doc, "doc-" + doc,
                    Arrays.copyOfRange(d.x(), from * u, (from + SYNTHETIC_TOKENS) * u), Arrays.copyOfRange(d.y(), from, from + SYNTHETIC_TOKENS)));
        }
        return new ProbeDataset(new ProbeDataset.Header(concept, ProbeDataset.Level.TOKEN, List.of("other", mono ? "A" : "B"), ProbeDataset.Aggregation.LAST,
                mono ? "synthetic: concept A read out by planted neuron " + s.plantedNeuron()
                        : "synthetic: concept B superposed on neurons " + Arrays.toString(s.superposedNeurons()) + " (each also fires for another concept)"), out);
    }
}
