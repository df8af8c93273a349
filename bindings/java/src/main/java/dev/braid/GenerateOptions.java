package dev.braid;

import java.util.Arrays;
import java.util.List;

/**
 * How {@link Context#generate} samples and when it stops; the defaults are braid's C defaults
 * (BRAID_GENERATE_OPTIONS_INIT: llama.cpp's sampling, 256 tokens, no stop strings). Mutable and
 * chainable: {@code new GenerateOptions().maxTokens(64).temperature(0).stop("\n")}.
 */
public final class GenerateOptions {
    int maxTokens = 256;
    float temperature = 0.8f;
    int topK = 40;
    float topP = 0.95f;
    float minP = 0.05f;
    float typicalP = 1.0f;
    float repeatPenalty = 1.0f;
    float frequencyPenalty;
    float presencePenalty;
    int penaltyLastN = 64;
    long seed;
    String[] stop = new String[0];
    boolean ignoreEos;
    boolean parseSpecial;
    boolean continueSequence;
    CancelToken cancel;
    int timeoutMillis;

    /** The default options. */
    public GenerateOptions() {}

    /**
     * @param n most tokens to generate (at least 0)
     * @return this
     */
    public GenerateOptions maxTokens(int n) {
        this.maxTokens = n;
        return this;
    }

    /**
     * @param t divides the logits; 0 or less: greedy (the most likely token)
     * @return this
     */
    public GenerateOptions temperature(float t) {
        this.temperature = t;
        return this;
    }

    /**
     * @param k keep the k most likely tokens (0 or less: off)
     * @return this
     */
    public GenerateOptions topK(int k) {
        this.topK = k;
        return this;
    }

    /**
     * @param p keep the most likely tokens up to this probability mass (1: off)
     * @return this
     */
    public GenerateOptions topP(float p) {
        this.topP = p;
        return this;
    }

    /**
     * @param p drop tokens below p times the most likely one's probability (0: off)
     * @return this
     */
    public GenerateOptions minP(float p) {
        this.minP = p;
        return this;
    }

    /**
     * @param p locally typical sampling mass (1: off)
     * @return this
     */
    public GenerateOptions typicalP(float p) {
        this.typicalP = p;
        return this;
    }

    /**
     * @param penalty penalty on the last penaltyLastN tokens (1: off)
     * @return this
     */
    public GenerateOptions repeatPenalty(float penalty) {
        this.repeatPenalty = penalty;
        return this;
    }

    /**
     * @param penalty subtracted per occurrence in the last penaltyLastN tokens
     * @return this
     */
    public GenerateOptions frequencyPenalty(float penalty) {
        this.frequencyPenalty = penalty;
        return this;
    }

    /**
     * @param penalty subtracted once if present in the last penaltyLastN tokens
     * @return this
     */
    public GenerateOptions presencePenalty(float penalty) {
        this.presencePenalty = penalty;
        return this;
    }

    /**
     * @param n how many recent tokens the penalties look at (0: off)
     * @return this
     */
    public GenerateOptions penaltyLastN(int n) {
        this.penaltyLastN = n;
        return this;
    }

    /**
     * @param seed the sampler's seed (an unsigned 64-bit value): same seed, same backend, same text
     * @return this
     */
    public GenerateOptions seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * @param strings stop strings: they end the text and are not part of it (none given: none)
     * @return this
     */
    public GenerateOptions stop(String... strings) {
        this.stop = strings.clone();
        return this;
    }

    /**
     * @param strings stop strings
     * @return this
     */
    public GenerateOptions stop(List<String> strings) {
        this.stop = strings.toArray(new String[0]);
        return this;
    }

    /**
     * @param ignore keep generating past end-of-generation tokens
     * @return this
     */
    public GenerateOptions ignoreEos(boolean ignore) {
        this.ignoreEos = ignore;
        return this;
    }

    /**
     * @param parse control-token text in the prompt (e.g. {@code <|im_start|>}) stands for the tokens, as
     *        in a prompt rendered by a chat template; never for text a user typed
     * @return this
     */
    public GenerateOptions parseSpecial(boolean parse) {
        this.parseSpecial = parse;
        return this;
    }

    /**
     * @param continueSequence continue the context's sequence (its cache is kept and the prompt follows it,
     *        without BOS) instead of starting afresh
     * @return this
     */
    public GenerateOptions continueSequence(boolean continueSequence) {
        this.continueSequence = continueSequence;
        return this;
    }

    /**
     * @param token cancels the generation from any thread, before the next token (or between the prompt's
     *        graph steps): {@link CancelledException}; null: none
     * @return this
     */
    public GenerateOptions cancel(CancelToken token) {
        this.cancel = token;
        return this;
    }

    /**
     * @param millis deadline from the start of the call, prompt included: {@link BraidTimeoutException}
     *        once passed (0: none)
     * @return this
     */
    public GenerateOptions timeoutMillis(int millis) {
        this.timeoutMillis = millis;
        return this;
    }

    // BRAID_GENERATE_IGNORE_EOS, _PARSE_SPECIAL, _CONTINUE.
    int flags() {
        return (ignoreEos ? 0x1 : 0) | (parseSpecial ? 0x2 : 0) | (continueSequence ? 0x4 : 0);
    }

    @Override
    public String toString() {
        return "GenerateOptions{maxTokens=" + maxTokens + ", temperature=" + temperature + ", topK=" + topK
            + ", topP=" + topP + ", minP=" + minP + ", typicalP=" + typicalP + ", repeatPenalty=" + repeatPenalty
            + ", frequencyPenalty=" + frequencyPenalty + ", presencePenalty=" + presencePenalty + ", penaltyLastN="
            + penaltyLastN + ", seed=" + Long.toUnsignedString(seed) + ", stop=" + Arrays.toString(stop) + ", flags="
            + flags() + ", cancel=" + (cancel != null) + ", timeoutMillis=" + timeoutMillis + "}";
    }
}
