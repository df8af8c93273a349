package dev.braid;

/** The JSON value in the answer, validated against a JSON Schema ({@link ValidationException} names the path). */
public final class StructuredOutputParser extends OutputParser {
    /** @param schemaJson the schema */
    public StructuredOutputParser(String schemaJson) {
        super(Native.parserStructured(schemaJson, false, 256));
    }
}
