package dev.braid;

/** What a {@link LocalChatModel} does with a conversation longer than one sequence's context. */
public enum ContextOverflow {
    /** Fail the request ({@link BraidOutOfMemoryException}, naming the sizes). */
    ERROR,
    /** Drop the oldest turns after the system message until the conversation fits. */
    DROP_OLDEST_TURNS
}
