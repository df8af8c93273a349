package dev.braid;

import java.util.Objects;

/**
 * How {@link LocalChatModel#create} runs a model (braid_local_chat_model_options). Zero means the
 * library's default for every size.
 */
public final class LocalChatModelOptions {
    private static final int NO_PROMPT_CACHE = 0x1; // BRAID_LOCAL_CHAT_NO_PROMPT_CACHE
    private static final int KV_F32 = 0x2;          // BRAID_LOCAL_CHAT_KV_F32
    private static final int CPU_FALLBACK = 0x4;    // BRAID_LOCAL_CHAT_CPU_FALLBACK
    private static final int MALFORMED_AS_CONTENT = 0x8; // BRAID_LOCAL_CHAT_MALFORMED_TOOL_CALLS_AS_CONTENT

    Backend backend = Backend.AUTO;
    int threads;
    int nCtx;
    int nSeqMax;
    int nBatch;
    int promptChunk;
    int maxQueue;
    ContextOverflow overflow = ContextOverflow.ERROR;
    String chatTemplate;
    String defaultsJson;
    String name;
    boolean promptCache = true;
    boolean kvF32;
    boolean cpuFallback;
    String toolCallFormat;
    boolean malformedToolCallsAsContent;
    int grammarCacheSize;

    /** The defaults. */
    public LocalChatModelOptions() {}

    /** @param backend where to compute (AUTO: the model's default) @return this */
    public LocalChatModelOptions backend(Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        return this;
    }

    /** @param n CPU threads (0: one per hardware thread) @return this */
    public LocalChatModelOptions threads(int n) {
        this.threads = n;
        return this;
    }

    /** @param n KV cells of the shared context, split over the sequences (0: the model's) @return this */
    public LocalChatModelOptions nCtx(int n) {
        this.nCtx = n;
        return this;
    }

    /** @param n requests decoded together (0: 4) @return this */
    public LocalChatModelOptions nSeqMax(int n) {
        this.nSeqMax = n;
        return this;
    }

    /** @param n most tokens per decode step (0: 512) @return this */
    public LocalChatModelOptions nBatch(int n) {
        this.nBatch = n;
        return this;
    }

    /** @param n most prompt tokens of one request per step (0: 256) @return this */
    public LocalChatModelOptions promptChunk(int n) {
        this.promptChunk = n;
        return this;
    }

    /** @param n requests that may wait for a sequence (0: 64) @return this */
    public LocalChatModelOptions maxQueue(int n) {
        this.maxQueue = n;
        return this;
    }

    /** @param overflow what a conversation too long for a sequence does @return this */
    public LocalChatModelOptions overflow(ContextOverflow overflow) {
        this.overflow = Objects.requireNonNull(overflow, "overflow");
        return this;
    }

    /** @param template a Jinja chat template instead of the model's (null: the model's) @return this */
    public LocalChatModelOptions chatTemplate(String template) {
        this.chatTemplate = template;
        return this;
    }

    /** @param json default generation options, e.g. {"temperature": 0, "max_tokens": 64} @return this */
    public LocalChatModelOptions defaults(String json) {
        this.defaultsJson = json;
        return this;
    }

    /** @param name the runnable's name (null: "LocalChatModel") @return this */
    public LocalChatModelOptions name(String name) {
        this.name = name;
        return this;
    }

    /** @param on keep finished conversations' caches for follow-up turns (default true) @return this */
    public LocalChatModelOptions promptCache(boolean on) {
        this.promptCache = on;
        return this;
    }

    /** @param on keys and values as fp32 instead of fp16 @return this */
    public LocalChatModelOptions kvF32(boolean on) {
        this.kvF32 = on;
        return this;
    }

    /** @param on use the CPU when Vulkan cannot start @return this */
    public LocalChatModelOptions cpuFallback(boolean on) {
        this.cpuFallback = on;
        return this;
    }

    /** @param format the tool-call format ("hermes", "llama3", ...; null: detected from the template) @return this */
    public LocalChatModelOptions toolCallFormat(String format) {
        this.toolCallFormat = format;
        return this;
    }

    /** @param on malformed tool calls become content instead of failing the request @return this */
    public LocalChatModelOptions malformedToolCallsAsContent(boolean on) {
        this.malformedToolCallsAsContent = on;
        return this;
    }

    /** @param n compiled grammars kept for reuse (0: 32) @return this */
    public LocalChatModelOptions grammarCacheSize(int n) {
        this.grammarCacheSize = n;
        return this;
    }

    int flags() {
        return (promptCache ? 0 : NO_PROMPT_CACHE) | (kvF32 ? KV_F32 : 0) | (cpuFallback ? CPU_FALLBACK : 0)
            | (malformedToolCallsAsContent ? MALFORMED_AS_CONTENT : 0);
    }
}
