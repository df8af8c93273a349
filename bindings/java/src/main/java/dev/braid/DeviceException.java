package dev.braid;

/** A compute device failed or is missing. */
public class DeviceException extends BraidException {
    private static final long serialVersionUID = 1L;

    /**
     * @param status the status (as {@link Status} maps it)
     * @param message what was wrong
     */
    public DeviceException(Status status, String message) {
        super(status, message);
    }
}
