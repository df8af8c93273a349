package dev.braid;

import java.util.function.BiFunction;

/**
 * The status codes of braid's C ABI, each with the exception class it maps to: the one table the
 * binding uses to turn a failed native call into a {@link BraidException}.
 */
public enum Status {
    /** Success. */
    OK(0, null),
    /** A stream has no more items (never thrown). */
    DONE(1, null),
    /** An unusable argument (null, out of range, wrong shape). */
    INVALID_ARGUMENT(-1, InvalidArgumentException::new),
    /** Text (JSON, model output, a template) could not be parsed. */
    PARSE(-2, ParseException::new),
    /** A file could not be read or written. */
    IO(-3, BraidIOException::new),
    /** A model or tokenizer file is malformed. */
    MODEL_FORMAT(-4, ModelFormatException::new),
    /** Valid input that braid does not handle. */
    UNSUPPORTED(-5, UnsupportedException::new),
    /** An allocation did not fit. */
    OUT_OF_MEMORY(-6, BraidOutOfMemoryException::new),
    /** A compute device failed or is missing. */
    DEVICE(-7, DeviceException::new),
    /** The run was cancelled. */
    CANCELLED(-8, CancelledException::new),
    /** The run's deadline passed. */
    TIMEOUT(-9, BraidTimeoutException::new),
    /** A tool call failed. */
    TOOL(-10, ToolException::new),
    /** A prompt or chat template failed to render. */
    TEMPLATE(-11, TemplateException::new),
    /** A value did not satisfy a schema or the shape a step needs. */
    VALIDATION(-12, ValidationException::new),
    /** A named thing does not exist. */
    NOT_FOUND(-13, NotFoundException::new),
    /** A bug in braid. */
    INTERNAL(-14, InternalException::new),
    /** A callback (e.g. a Java step) failed with an exception that is not a BraidException. */
    CALLBACK(-100, CallbackException::new),
    /** A buffer was too small (the binding sizes its buffers: never thrown in practice). */
    BUFFER_TOO_SMALL(-101, InternalException::new);

    private final int code;
    private final BiFunction<Status, String, BraidException> factory;

    Status(int code, BiFunction<Status, String, BraidException> factory) {
        this.code = code;
        this.factory = factory;
    }

    /** @return the numeric code of the C ABI. */
    public int code() {
        return code;
    }

    /**
     * @param code a numeric status
     * @return its Status; {@link #INTERNAL} for a code this binding does not know
     */
    public static Status of(int code) {
        for (Status s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return INTERNAL;
    }

    /**
     * The exception for a failed call (called by the native glue).
     *
     * @param code the status the call returned
     * @param message braid's message (braid_last_error)
     * @return the exception to throw
     */
    static BraidException exception(int code, String message) {
        Status status = of(code);
        if (status.factory == null) {
            return new InternalException(status, "unexpected status " + code + ": " + message);
        }
        if (status == INTERNAL && code != INTERNAL.code) {
            message = "unknown status " + code + ": " + message;
        }
        return status.factory.apply(status, message);
    }
}
