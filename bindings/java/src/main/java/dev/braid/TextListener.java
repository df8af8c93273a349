package dev.braid;

/** Receives generated text as it is produced, on the thread that generates. */
@FunctionalInterface
public interface TextListener {
    /**
     * @param piece the next piece: whole characters, never a stop string or a part of one
     * @return true to go on, false to stop the generation ({@link CancelledException})
     * @throws Exception to stop the generation: generate() rethrows it
     */
    boolean onText(String piece) throws Exception;
}
