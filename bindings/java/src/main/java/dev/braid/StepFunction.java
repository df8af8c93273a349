package dev.braid;

/**
 * A step written in Java: JSON in, JSON out (see {@link Runnable#fromFunction}). Called from many threads
 * at once, some of them braid's own. A {@link BraidException} thrown here fails the chain with its
 * status; any other exception fails it with {@link Status#CALLBACK}, its class and message in the error.
 */
@FunctionalInterface
public interface StepFunction {
    /**
     * @param inputJson the input, JSON text
     * @return the output, JSON text
     * @throws Exception to fail the step
     */
    String apply(String inputJson) throws Exception;
}
