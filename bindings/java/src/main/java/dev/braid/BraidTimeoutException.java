package dev.braid;

/** The run's deadline passed. */
public class BraidTimeoutException extends BraidException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the status (as {@link Status} maps it)
     * @param message what was wrong
     */
    public BraidTimeoutException(Status status, String message) {
        super(status, message);
    }
}
