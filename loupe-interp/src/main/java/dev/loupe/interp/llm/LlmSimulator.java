package dev.loupe.interp.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.interp.InterpFailure;
import dev.loupe.interp.Simulator;
import dev.loupe.interp.SimulatorFactory;
import dev.loupe.interp.allatonce.DigitExpectation;
import dev.loupe.interp.prompt.SimulationPrompt;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Simulates an explanation on an OpenAI-compatible chat server, one request per excerpt.
 *
 * <ul>
 *   <li>{@link Mode#LOGPROBS}: the model re-emits the excerpt as token<TAB>value lines; at each value
 *       the generated token's {@code top_logprobs}, restricted to "0".."10" and renormalised, give the
 *       expected value (Bills's read-out, on generated rather than prompt tokens — the only logprobs
 *       chat servers return).</li>
 *   <li>{@link Mode#JSON}: for servers without logprobs; the model answers
 *       {@code {"activations": [...]}} and the sampled integers are the simulation.</li>
 * </ul>
 * A reply that does not reproduce the excerpt (wrong line count, wrong tokens, missing logprobs,
 * values outside 0–10) is an {@link InterpFailure}: the feature is marked failed, never zero-filled.
 *
 * <p>Known limits (shared with neuron-explainer): an excerpt token containing a newline breaks the
 * line format; a server tokenizer that writes "10" as "1" + "0" has its 10s read as 1s, since only
 * the first value token's alternatives are read.
 */
public final class LlmSimulator implements Simulator {
    public enum Mode { LOGPROBS, JSON }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final OpenAiClient client;
    private final String explanation;
    private final Mode mode;

    public LlmSimulator(OpenAiClient client, String explanation, Mode mode) {
        this.client = client;
        this.explanation = explanation;
        this.mode = mode;
    }

    public static SimulatorFactory factory(OpenAiClient client, Mode mode) {
        return e -> new LlmSimulator(client, e.text(), mode);
    }

    @Override public double[] simulate(String[] tokens) {
        if (tokens.length == 0) return new double[0];
        int maxTokens = 8 * tokens.length + 32;
        ChatReply r = client.chat(SimulationPrompt.chat(explanation, tokens, mode == Mode.JSON), maxTokens, 0.0, mode == Mode.LOGPROBS);
        return mode == Mode.JSON ? parseJson(r.content(), tokens.length) : parseLogprobs(r, tokens);
    }

    static double[] parseJson(String content, int n) {
        String s = content.strip();
        if (s.startsWith("```")) s = s.replaceAll("^```[a-zA-Z]*\\s*", "").replaceAll("\\s*```$", "");
        JsonNode root;
        try {
            root = JSON.readTree(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InterpFailure("simulator reply is not JSON: " + OpenAiClient.snippet(content));
        }
        JsonNode a = root == null ? null : root.get("activations");
        if (a == null || !a.isArray()) throw new InterpFailure("simulator reply has no \"activations\" list: " + OpenAiClient.snippet(content));
        if (a.size() != n) throw new InterpFailure("simulator reply has " + a.size() + " activations for " + n + " tokens");
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            if (!a.get(i).isNumber() || a.get(i).asDouble() < 0 || a.get(i).asDouble() > 10) {
                throw new InterpFailure("simulator activation " + i + " is " + a.get(i) + ", expected a number in 0..10");
            }
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    /**
     * Walks the reply's lines after {@code <start>}: line i must be {@code tokens[i]<TAB>value} (a
     * missing leading space is tolerated, as models often drop it). The value's first character is
     * located in the concatenation of the generated tokens, and that token's alternatives are read.
     */
    static double[] parseLogprobs(ChatReply r, String[] tokens) {
        List<ChatReply.TokenLogprobs> lps = r.logprobs();
        if (lps.isEmpty()) throw new InterpFailure("server returned no logprobs: use JSON mode for this server");
        StringBuilder joined = new StringBuilder();
        int[] starts = new int[lps.size()];
        for (int i = 0; i < lps.size(); i++) { starts[i] = joined.length(); joined.append(lps.get(i).token()); }
        String text = joined.toString();
        if (!text.equals(r.content())) throw new InterpFailure("logprob tokens do not spell the reply content; cannot align values");
        int pos = text.indexOf("<start>");
        pos = pos < 0 ? 0 : text.indexOf('\n', pos) + 1;
        double[] out = new double[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            if (pos <= 0 || pos >= text.length()) throw new InterpFailure("simulator reply stops after " + i + " of " + tokens.length + " tokens");
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? text.length() : nl;
            String line = text.substring(pos, end);
            int tab = line.lastIndexOf('\t');
            String tok = tab < 0 ? line : line.substring(0, tab);
            if (tab < 0 || !(tok.equals(tokens[i]) || tok.equals(tokens[i].stripLeading()))) {
                throw new InterpFailure("simulator reply line " + i + " is '" + OpenAiClient.snippet(line) + "', expected token '" + tokens[i] + "' and a value");
            }
            int valueAt = pos + tab + 1;
            int k = tokenAt(starts, valueAt);
            OptionalDouble ev = DigitExpectation.fromTopLogprobs(lps.get(k).top());
            if (ev.isEmpty()) throw new InterpFailure("no digit among the top logprobs for token " + i + " ('" + tokens[i] + "')");
            out[i] = ev.getAsDouble();
            pos = end + 1;
        }
        return out;
    }

    /** Index of the generated token whose span contains character {@code offset}. */
    private static int tokenAt(int[] starts, int offset) {
        int lo = 0, hi = starts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= offset) lo = mid; else hi = mid - 1;
        }
        return lo;
    }
}
