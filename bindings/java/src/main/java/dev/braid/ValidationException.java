package dev.braid;

/** A value did not satisfy a schema or the shape a step needs. */
public class ValidationException extends BraidException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the status (as {@link Status} maps it)
     * @param message what was wrong
     */
    public ValidationException(Status status, String message) {
        super(status, message);
    }
}
