package dev.loupe.util;

/** A file is malformed or not what it claims to be. Message names the file, the element and the problem. */
public class FormatException extends LoupeException {
    public FormatException(String message) { super(message); }
    public FormatException(String message, Throwable cause) { super(message, cause); }
    @Override public int exitCode() { return 3; }
}
