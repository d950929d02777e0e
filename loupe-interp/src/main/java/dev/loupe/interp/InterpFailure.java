package dev.loupe.interp;

import dev.loupe.util.LoupeException;

/**
 * An explainer or simulator could not produce a result for one feature (HTTP error after retries,
 * malformed reply, budget exhausted). The pipeline records the message as that feature's failure
 * reason and continues with the next feature.
 */
public class InterpFailure extends LoupeException {
    public InterpFailure(String message) { super(message); }
    public InterpFailure(String message, Throwable cause) { super(message, cause); }
}
