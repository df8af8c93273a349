package dev.braid;

/** The tool-call parser of local model families (braid_tool_calls_parse). */
public final class ToolCalls {
    private ToolCalls() {}

    /**
     * Parses a model's whole answer into an assistant message (content, tool_calls, reasoning_content).
     *
     * @param format the family: "generic", "hermes", "llama3", "mistral_nemo", ... or an alias; a
     *        "+thinking" suffix reads a leading think block as reasoning
     * @param text the answer
     * @param toolsJson null, or the bound tools as a JSON array (a call of another tool is malformed)
     * @return the message, JSON text
     * @throws ParseException for malformed calls; InvalidArgumentException for an unknown format
     */
    public static String parse(String format, String text, String toolsJson) {
        return Native.toolCallsParse(format, text, toolsJson);
    }
}
