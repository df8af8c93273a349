package dev.braid;

/** A model or tokenizer file is malformed, truncated or hostile. */
public class ModelFormatException extends BraidException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the status (as {@link Status} maps it)
     * @param message what was wrong
     */
    public ModelFormatException(Status status, String message) {
        super(status, message);
    }
}
