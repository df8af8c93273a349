package dev.braid;

/** The outcome of one item of {@link Runnable#batchResults}: its output, or its error. */
public final class BatchResult {
    private final String output;
    private final Status status;
    private final String error;

    BatchResult(String output, Status status, String error) {
        this.output = output;
        this.status = status;
        this.error = error;
    }

    /** @return true when the item succeeded */
    public boolean ok() {
        return status == Status.OK;
    }

    /** @return the output (JSON text); throws the item's exception when it failed */
    public String output() {
        if (!ok()) {
            throw Status.exception(status.code(), error);
        }
        return output;
    }

    /** @return the item's status */
    public Status status() {
        return status;
    }

    /** @return the error message, or null when ok */
    public String error() {
        return error;
    }
}
