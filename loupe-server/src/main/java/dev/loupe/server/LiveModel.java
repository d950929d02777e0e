// What the browser's Live text and Steering pages need from a running language model with its
// dictionaries loaded. The server only calls this interface; the transformer engine implements it
// (dev.loupe.model / dev.loupe.intervene). Not thread-safe by contract: the server serialises calls.
// Dictionaries are named as in the feature store (DictionaryInfo.name()), so a result's feature
// indices link to the store's feature pages; a neuron basis is just another dictionary.
package dev.loupe.server;

import dev.loupe.util.ConfigException;

import java.util.List;

public interface LiveModel {
    /** Short human name shown in the UI (e.g. "loupe-1l"). */
    String name();

    /** Store dictionary names this model can encode and steer with. */
    List<String> dictionaries();

    /**
     * Tokenises {@code text}, runs the model to the dictionary's hook and returns, for every token,
     * the {@code k} features with the largest positive activations (fewer when fewer fire), largest first.
     */
    List<TokenFeatures> topFeatures(String dictionary, String text, int k);

    /**
     * Greedy generation of up to {@code maxNewTokens} tokens after {@code prompt}, once with each
     * listed feature's activation clamped to {@code strength} (an activation value, in the units the
     * feature page shows) at every position of the dictionary's hook, and once without intervention.
     */
    Steered steer(String dictionary, String prompt, List<Steer> features, int maxNewTokens);

    /** One token of the input with its strongest features. */
    record TokenFeatures(String token, List<FeatureAct> features) {
        public TokenFeatures { features = List.copyOf(features); }
    }

    record FeatureAct(int feature, float activation) {}

    /** One steering intervention: clamp {@code feature} to {@code strength}. */
    record Steer(int feature, double strength) {
        public Steer {
            if (feature < 0) throw new ConfigException("steering feature index " + feature + " is negative");
            if (!Double.isFinite(strength)) throw new ConfigException("steering strength " + strength + " of feature " + feature + " is not a finite number");
        }
    }

    /** Completions (new text only, without the prompt) with and without the intervention. */
    record Steered(String steered, String unsteered) {}
}
