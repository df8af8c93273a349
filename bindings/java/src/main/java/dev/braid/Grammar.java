package dev.braid;

/** A compiled GBNF grammar (braid_grammar): immutable and thread-safe. */
public final class Grammar extends NativeHandle {
    /** fromJsonSchema flag: up to 20 whitespace characters wherever JSON allows them. */
    public static final int FLEXIBLE_WHITESPACE = 0x1;
    /** fromJsonSchema flag: object properties in the order of "properties" (default: any order). */
    public static final int SCHEMA_ORDER = 0x2;
    /** fromJsonSchema flag: an absent additionalProperties means false. */
    public static final int CLOSED_OBJECTS = 0x4;
    /** fromJsonSchema flag: drop keywords that cannot be enforced (with a logged warning) instead of failing. */
    public static final int IGNORE_UNSUPPORTED = 0x8;

    private Grammar(long pointer) {
        super(pointer, Native::grammarFree);
    }

    /**
     * @param gbnf the grammar (llama.cpp's GBNF), start rule {@code root}
     * @return the grammar; close it when done
     * @throws ParseException for malformed text, undefined rules, no root rule, left recursion
     */
    public static Grammar compileGbnf(String gbnf) {
        return new Grammar(Native.grammarCompileGbnf(gbnf));
    }

    /**
     * @param schemaJson a JSON Schema
     * @return the grammar of the JSON values it allows (compact whitespace, any property order)
     * @throws UnsupportedException for a keyword braid cannot enforce (named with its JSON pointer)
     */
    public static Grammar fromJsonSchema(String schemaJson) {
        return fromJsonSchema(schemaJson, 0, 0);
    }

    /**
     * @param schemaJson a JSON Schema
     * @param flags FLEXIBLE_WHITESPACE, SCHEMA_ORDER, CLOSED_OBJECTS, IGNORE_UNSUPPORTED or 0
     * @param maxCompileMillis the compile-time budget (0: 1000 ms)
     * @return the grammar of the JSON values it allows
     */
    public static Grammar fromJsonSchema(String schemaJson, int flags, int maxCompileMillis) {
        return new Grammar(Native.grammarFromJsonSchema(schemaJson, flags, maxCompileMillis));
    }

    /** @param text a text @return whether the whole text is a sentence of the grammar */
    public boolean accepts(String text) {
        long p = acquire();
        try {
            return Native.grammarAccepts(p, text);
        } finally {
            release();
        }
    }

    /** @return the GBNF text the grammar was compiled from */
    public String source() {
        long p = acquire();
        try {
            return Native.grammarSource(p);
        } finally {
            release();
        }
    }
}
