package dev.braid;

/** Receives the chunks (or events) of a stream, as JSON text, on the thread that streams. */
@FunctionalInterface
public interface ChunkListener {
    /**
     * @param json one chunk or event
     * @return true to go on, false to stop the stream (the run is cancelled; stream() returns normally)
     * @throws Exception to stop the stream: stream() rethrows it
     */
    boolean onChunk(String json) throws Exception;
}
