package dev.braid;

/** A file could not be read or written. */
public class BraidIOException extends BraidException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the status (as {@link Status} maps it)
     * @param message what was wrong
     */
    public BraidIOException(Status status, String message) {
        super(status, message);
    }
}
