package dev.braid;

/** Chat messages as JSON: normalizing, rendering as text, adding up streamed chunks. */
public final class Messages {
    private Messages() {}

    /**
     * @param messagesJson a message object or an array of them
     * @return the canonical form
     */
    public static String normalize(String messagesJson) {
        return Native.messagesNormalize(messagesJson);
    }

    /**
     * @param messagesJson an array of messages
     * @return "System: ...\nHuman: ...\nAI: ..."
     */
    public static String toText(String messagesJson) {
        return Native.messagesToText(messagesJson, null, null);
    }

    /**
     * @param messagesJson an array of messages
     * @param humanPrefix the prefix of user messages
     * @param aiPrefix the prefix of assistant messages
     * @return the text
     */
    public static String toText(String messagesJson, String humanPrefix, String aiPrefix) {
        return Native.messagesToText(messagesJson, humanPrefix, aiPrefix);
    }

    /**
     * @param chunksJson an array of streamed chunks of one answer
     * @return the whole message
     */
    public static String concatChunks(String chunksJson) {
        return Native.messageChunksConcat(chunksJson);
    }
}
