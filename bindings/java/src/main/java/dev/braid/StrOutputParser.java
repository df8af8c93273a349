package dev.braid;

/** The answer as a JSON string; streaming passes each chunk's text on at once. */
public final class StrOutputParser extends OutputParser {
    /** A new parser. */
    public StrOutputParser() {
        super(Native.parserStr());
    }
}
