package dev.braid;

/** A named thing (key, variable, token) does not exist. */
public class NotFoundException extends BraidException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the status (as {@link Status} maps it)
     * @param message what was wrong
     */
    public NotFoundException(Status status, String message) {
        super(status, message);
    }
}
