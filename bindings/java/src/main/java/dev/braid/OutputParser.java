package dev.braid;

/** What the output parsers share: they are steps, and they tell a model how to answer. */
public abstract class OutputParser extends Runnable {
    OutputParser(long pointer) {
        super(pointer);
    }

    /** @return text for the prompt telling the model how to answer ("" when none is needed) */
    public String formatInstructions() {
        return use(Native::parserFormatInstructions);
    }
}
