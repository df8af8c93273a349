package dev.braid;

/** The JSON value in the answer; streaming yields snapshots of the value as it grows. */
public final class JsonOutputParser extends OutputParser {
    /** A parser with the defaults (no partial values at the end, depth 256). */
    public JsonOutputParser() {
        this(false, 256);
    }

    /**
     * @param allowPartial an answer ending inside the JSON gives the partial value
     * @param maxDepth deepest nesting accepted
     */
    public JsonOutputParser(boolean allowPartial, int maxDepth) {
        super(Native.parserJson(allowPartial, maxDepth));
    }
}
