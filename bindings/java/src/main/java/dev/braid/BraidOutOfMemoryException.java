package dev.braid;

/** An allocation did not fit. */
public class BraidOutOfMemoryException extends BraidException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the status (as {@link Status} maps it)
     * @param message what was wrong
     */
    public BraidOutOfMemoryException(Status status, String message) {
        super(status, message);
    }
}
