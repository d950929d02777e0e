package dev.loupe.interp.puzzle;

import dev.loupe.interp.ActivationRecord;
import dev.loupe.interp.Explainer;
import dev.loupe.interp.Explanation;
import dev.loupe.interp.InterpFailure;
import dev.loupe.interp.Score;
import dev.loupe.interp.ScoredSimulation;
import dev.loupe.interp.Scorer;
import dev.loupe.interp.SimulatorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluates an explainer and a simulator on neuron puzzles. Two questions, as in Bills et al. §3.7.2:
 *
 * <p><b>Solved</b> (the explainer): the explainer sees the even-indexed sentences only; its explanation
 * is simulated on the odd-indexed (held-out) sentences. The puzzle is solved when that held-out
 * correlation is at least {@value #SOLVE_THRESHOLD} <em>and</em> strictly higher than every false
 * explanation's held-out correlation under the same simulator. This replaces Bills's human judgement
 * with a mechanical criterion: the explanation must predict unseen sentences well and better than the
 * distractors. It does not ask that the wording match the ground truth.
 *
 * <p><b>Truth ranked first</b> (the simulator as a scorer): the ground truth and each false explanation
 * are simulated on all sentences; the truth must have the strictly highest pooled correlation
 * (undefined scores rank below every defined one; a tie is not first). Also counted: truth in the top
 * two (Bills: 16/19 first, 18/19 top two with a GPT-4 simulator).
 */
public final class PuzzleEvaluator {
    public static final double SOLVE_THRESHOLD = 0.8;

    private final Explainer explainer;
    private final SimulatorFactory simulators;

    public PuzzleEvaluator(Explainer explainer, SimulatorFactory simulators) {
        this.explainer = explainer;
        this.simulators = simulators;
    }

    public record Result(String puzzle, String kind, String explainerText, Score heldOut, Score bestFalseHeldOut,
                         boolean solved, Score truth, List<Score> falses, int truthRank, String failure) {}

    public record Report(List<Result> results, int solved, int truthFirst, int truthTopTwo) {
        public int total() { return results.size(); }

        public String summary() {
            return String.format("solved %d/%d, truth ranked first %d/%d, truth in top two %d/%d",
                    solved, total(), truthFirst, total(), truthTopTwo, total());
        }

        /** One Markdown row per puzzle (for {@code loupe interp puzzles}). */
        public String table() {
            StringBuilder sb = new StringBuilder("| puzzle | kind | solved | held-out r | best false r | truth r | truth rank | explainer's explanation |\n");
            sb.append("|---|---|---|---|---|---|---|---|\n");
            for (Result r : results) {
                String text = r.explainerText() == null ? "failed: " + r.failure() : r.explainerText();
                sb.append("| ").append(r.puzzle()).append(" | ").append(r.kind()).append(" | ").append(r.solved() ? "yes" : "no")
                        .append(" | ").append(r.heldOut()).append(" | ").append(r.bestFalseHeldOut()).append(" | ").append(r.truth())
                        .append(" | ").append(r.truthRank()).append(" / ").append(r.falses().size() + 1).append(" | ")
                        .append(text.replace("|", "\\|")).append(" |\n");
            }
            return sb.append("\n").append(summary()).append('\n').toString();
        }
    }

    public Report evaluate(List<Puzzle> puzzles) {
        List<Result> rs = new ArrayList<>();
        int solved = 0, first = 0, topTwo = 0;
        for (Puzzle p : puzzles) {
            Result r = evaluate(p);
            rs.add(r);
            if (r.solved()) solved++;
            if (r.truthRank() == 1) first++;
            if (r.truthRank() <= 2) topTwo++;
        }
        return new Report(rs, solved, first, topTwo);
    }

    public Result evaluate(Puzzle p) {
        List<ActivationRecord> even = new ArrayList<>(), odd = new ArrayList<>();
        for (int i = 0; i < p.sentences().size(); i++) (i % 2 == 0 ? even : odd).add(p.sentences().get(i));

        // ranking: truth vs falses on all sentences
        Score truth = score(Explanation.ofText(p.explanation()), p.sentences());
        List<Score> falses = new ArrayList<>();
        for (String f : p.falseExplanations()) falses.add(score(Explanation.ofText(f), p.sentences()));
        int rank = 1;
        for (Score f : falses) if (!beats(truth, f)) rank++;

        // solving: explain on even sentences, compare on odd ones
        String text;
        Score held;
        String failure = null;
        try {
            Explanation e = explainer.explain(even, Map.of());
            text = e.text();
            held = score(e, odd);
        } catch (InterpFailure x) {
            text = null;
            held = Score.undefined(Score.Status.FAILED);
            failure = x.getMessage();
        }
        Score bestFalse = Score.undefined(Score.Status.EMPTY);
        boolean beatsAll = true;
        for (String f : p.falseExplanations()) {
            Score s = score(Explanation.ofText(f), odd);
            if (s.defined() && (!bestFalse.defined() || s.value() > bestFalse.value())) bestFalse = s;
            if (!beats(held, s)) beatsAll = false;
        }
        boolean solved = held.defined() && held.value() >= SOLVE_THRESHOLD && beatsAll;
        return new Result(p.name(), p.kind(), text, held, bestFalse, solved, truth, falses, rank, failure);
    }

    private Score score(Explanation e, List<ActivationRecord> records) {
        try {
            ScoredSimulation s = Scorer.score(simulators.forExplanation(e), records);
            return s.correlation();
        } catch (InterpFailure x) {
            return Score.undefined(Score.Status.FAILED);
        }
    }

    /** Strictly better; an undefined score loses to any defined one and ties with another undefined. */
    static boolean beats(Score a, Score b) {
        if (!a.defined()) return false;
        return !b.defined() || a.value() > b.value();
    }
}
