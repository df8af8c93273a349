package dev.braid;

import java.util.List;

/**
 * A streaming step written in Java (see {@link Runnable#fromTransform}): called once per input chunk when
 * streamed, it returns the output chunks for it (any number); when invoked, it is called once with the
 * whole input and its chunks are combined.
 */
@FunctionalInterface
public interface TransformFunction {
    /**
     * @param chunkJson one input chunk (or the whole input), JSON text
     * @return the output chunks, JSON text each
     * @throws Exception to fail the step
     */
    List<String> apply(String chunkJson) throws Exception;
}
