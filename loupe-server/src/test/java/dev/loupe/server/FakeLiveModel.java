// A LiveModel stand-in with exactly known outputs for API and browser tests: tokens are the
// text's whitespace-separated words; word w fires feature (length(w) * 3) mod n with activation
// length(w), and feature 0 with activation 0.5. Steering returns a completion naming the
// interventions; the unsteered completion contains a hostile string (it must render as text).
package dev.loupe.server;

import java.util.ArrayList;
import java.util.List;

final class FakeLiveModel implements LiveModel {
    final int n;
    volatile int lastMaxNew;

    FakeLiveModel(int n) { this.n = n; }

    @Override public String name() { return "fake-lm"; }

    @Override public List<String> dictionaries() { return List.of("sae"); }

    static int featureOf(String word, int n) { return word.length() * 3 % n; }

    @Override public List<TokenFeatures> topFeatures(String dictionary, String text, int k) {
        List<TokenFeatures> out = new ArrayList<>();
        for (String w : text.strip().split("\\s+")) {
            List<FeatureAct> fs = new ArrayList<>(List.of(new FeatureAct(featureOf(w, n), w.length()), new FeatureAct(0, 0.5f)));
            out.add(new TokenFeatures(w, fs.subList(0, Math.min(k, fs.size()))));
        }
        return out;
    }

    @Override public Steered steer(String dictionary, String prompt, List<Steer> features, int maxNewTokens) {
        lastMaxNew = maxNewTokens;
        StringBuilder sb = new StringBuilder(" steered");
        for (Steer s : features) sb.append(" f").append(s.feature()).append('@').append(s.strength());
        return new Steered(sb.toString(), " plain " + TestStores.IMG);
    }
}
