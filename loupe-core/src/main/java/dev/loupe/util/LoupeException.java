package dev.loupe.util;

/**
 * Base of Loupe's unchecked domain exceptions. The message is one line that names what is wrong
 * (file, field, value) and what to do; the CLI prints it without a stack trace unless {@code -v}.
 */
public class LoupeException extends RuntimeException {
    public LoupeException(String message) { super(message); }
    public LoupeException(String message, Throwable cause) { super(message, cause); }

    /** Process exit code the CLI uses for this kind of failure. */
    public int exitCode() { return 1; }
}
