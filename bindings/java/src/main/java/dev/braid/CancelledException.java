package dev.braid;

/** The run was cancelled (a token, or a callback asked to stop). */
public class CancelledException extends BraidException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the status (as {@link Status} maps it)
     * @param message what was wrong
     */
    public CancelledException(Status status, String message) {
        super(status, message);
    }
}
