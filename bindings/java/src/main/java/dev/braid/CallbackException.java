package dev.braid;

/** A callback failed with an exception that is not a BraidException (its class and message are in the message). */
public class CallbackException extends BraidException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the status (as {@link Status} maps it)
     * @param message what was wrong
     */
    public CallbackException(Status status, String message) {
        super(status, message);
    }
}
