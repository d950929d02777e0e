package dev.loupe.interp.prompt;

/** One chat message of a prompt (OpenAI chat-completions roles). */
public record ChatMessage(Role role, String content) {
    public enum Role {
        SYSTEM, USER, ASSISTANT;

        public String apiName() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public ChatMessage {
        if (role == null || content == null) throw new IllegalArgumentException("chat message needs a role and content");
    }
}
