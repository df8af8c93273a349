package dev.braid;

/** A tool call failed or had invalid arguments. */
public class ToolException extends BraidException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the status (as {@link Status} maps it)
     * @param message what was wrong
     */
    public ToolException(Status status, String message) {
        super(status, message);
    }
}
