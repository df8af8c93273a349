package dev.braid;

/** A prompt or chat template failed to render. */
public class TemplateException extends BraidException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the status (as {@link Status} maps it)
     * @param message what was wrong
     */
    public TemplateException(Status status, String message) {
        super(status, message);
    }
}
