package dev.loupe.interp.prompt;

import java.util.ArrayList;
import java.util.List;

/**
 * A prompt as chat messages, renderable as one flat string for a plain causal LM (the contents
 * concatenated in order, like neuron-explainer's PromptFormat.NONE). A chat API receives the
 * messages; Loupe's in-process engine receives {@link #flat()}.
 */
public record Prompt(List<ChatMessage> messages) {
    public Prompt { messages = List.copyOf(messages); }

    public String flat() {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) sb.append(m.content());
        return sb.toString();
    }

    /** Accumulates messages; consecutive messages of the same role are kept separate on purpose. */
    static final class Builder {
        private final List<ChatMessage> messages = new ArrayList<>();

        Builder add(ChatMessage.Role role, String content) { messages.add(new ChatMessage(role, content)); return this; }

        Prompt build() { return new Prompt(messages); }
    }
}
