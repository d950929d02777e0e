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

    /** SHA-256 (hex) of the messages with their roles: identifies the exact prompt in the feature store. */
    public String hash() {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) sb.append(m.role().apiName()).append('\u0000').append(m.content()).append('\u0000');
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

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
