package dev.braid;

/** Valid input that braid does not (yet) handle. */
public class UnsupportedException extends BraidException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the status (as {@link Status} maps it)
     * @param message what was wrong
     */
    public UnsupportedException(Status status, String message) {
        super(status, message);
    }
}
