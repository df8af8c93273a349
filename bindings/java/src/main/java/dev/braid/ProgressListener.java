package dev.braid;

/** Receives the progress of a model load. */
@FunctionalInterface
public interface ProgressListener {
    /**
     * @param progress from 0 to 1
     * @return true to go on, false to cancel the load ({@link CancelledException})
     */
    boolean onProgress(float progress);
}
