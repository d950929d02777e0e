package dev.loupe.util;

/** A configuration value, flag or key is missing or invalid. Message names the key and what to do. */
public class ConfigException extends LoupeException {
    public ConfigException(String message) { super(message); }
    public ConfigException(String message, Throwable cause) { super(message, cause); }
    @Override public int exitCode() { return 2; }
}
