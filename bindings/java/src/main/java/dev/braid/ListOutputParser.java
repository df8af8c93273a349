package dev.braid;

/** A JSON array of the items listed in the answer; streaming yields arrays of the items completed. */
public final class ListOutputParser extends OutputParser {
    /** @param style how the list is written */
    public ListOutputParser(ListStyle style) {
        super(Native.parserList(style.ordinal()));
    }
}
