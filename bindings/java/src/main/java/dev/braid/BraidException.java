package dev.braid;

/** The base of every error braid reports: the {@link Status} of the failed call and braid's message. */
public class BraidException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Status status;

    /**
     * @param status what kind of failure
     * @param message what was wrong
     */
    public BraidException(Status status, String message) {
        super(message);
        this.status = status;
    }

    /** @return the kind of failure */
    public Status status() {
        return status;
    }

    /** @return the numeric status code (used when a Java step fails with this exception) */
    public int code() {
        return status.code();
    }
}
