package dev.braid;

import java.util.List;
import java.util.Map;

/** What {@link Context#generate} produced: the text, its tokens, why it stopped, and timings. */
public final class GenerateResult {
    private final String json;
    private final String text;
    private final int[] tokens;
    private final StopReason stopReason;
    private final int promptTokens;
    private final double promptMs;
    private final double generateMs;

    private GenerateResult(String json, String text, int[] tokens, StopReason stopReason, int promptTokens,
                           double promptMs, double generateMs) {
        this.json = json;
        this.text = text;
        this.tokens = tokens;
        this.stopReason = stopReason;
        this.promptTokens = promptTokens;
        this.promptMs = promptMs;
        this.generateMs = generateMs;
    }

    // {"text", "tokens", "stop_reason", "prompt_tokens", "prompt_ms", "generate_ms"}
    static GenerateResult parse(String json) {
        Object value = JsonReader.parse(json);
        if (!(value instanceof Map)) {
            throw new InternalException(Status.INTERNAL, "the generation result is not an object: " + json);
        }
        Map<?, ?> m = (Map<?, ?>) value;
        List<?> ids = (List<?>) m.get("tokens");
        int[] tokens = new int[ids.size()];
        for (int i = 0; i < tokens.length; ++i) {
            tokens[i] = ((Number) ids.get(i)).intValue();
        }
        return new GenerateResult(json, (String) m.get("text"), tokens, StopReason.of((String) m.get("stop_reason")),
                                  ((Number) m.get("prompt_tokens")).intValue(),
                                  ((Number) m.get("prompt_ms")).doubleValue(),
                                  ((Number) m.get("generate_ms")).doubleValue());
    }

    /** @return the generated text (without the stop string or end token) */
    public String text() {
        return text;
    }

    /** @return the generated token ids */
    public int[] tokens() {
        return tokens.clone();
    }

    /** @return why it stopped */
    public StopReason stopReason() {
        return stopReason;
    }

    /** @return the number of prompt tokens decoded */
    public int promptTokens() {
        return promptTokens;
    }

    /** @return milliseconds spent decoding the prompt */
    public double promptMs() {
        return promptMs;
    }

    /** @return milliseconds spent generating */
    public double generateMs() {
        return generateMs;
    }

    /** @return the result as braid returned it (JSON) */
    public String json() {
        return json;
    }

    @Override
    public String toString() {
        return json;
    }
}
