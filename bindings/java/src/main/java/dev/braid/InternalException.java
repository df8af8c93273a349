package dev.braid;

/** A bug in braid: please report it with the message. */
public class InternalException extends BraidException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the status (as {@link Status} maps it)
     * @param message what was wrong
     */
    public InternalException(Status status, String message) {
        super(status, message);
    }
}
