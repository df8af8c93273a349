package dev.braid;

/** An unusable argument (null, out of range, wrong shape). */
public class InvalidArgumentException extends BraidException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the status (as {@link Status} maps it)
     * @param message what was wrong
     */
    public InvalidArgumentException(Status status, String message) {
        super(status, message);
    }
}
