package dev.braid;

/** Text (JSON, model output, a template) could not be parsed. */
public class ParseException extends BraidException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the status (as {@link Status} maps it)
     * @param message what was wrong
     */
    public ParseException(Status status, String message) {
        super(status, message);
    }
}
