package dev.braid;

/** Why a generation ended. */
public enum StopReason {
    /** It generated maxTokens tokens. */
    LENGTH("length"),
    /** The model generated an end-of-generation token. */
    END_OF_GENERATION("end_of_generation"),
    /** The text reached a stop string. */
    STOP_STRING("stop_string"),
    /** The context is full. */
    CONTEXT_FULL("context_full");

    private final String name;

    StopReason(String name) {
        this.name = name;
    }

    /** @return the name in braid's JSON ("length", "end_of_generation", ...) */
    public String jsonName() {
        return name;
    }

    static StopReason of(String name) {
        for (StopReason r : values()) {
            if (r.name.equals(name)) {
                return r;
            }
        }
        throw new InternalException(Status.INTERNAL, "unknown stop reason " + name);
    }
}
