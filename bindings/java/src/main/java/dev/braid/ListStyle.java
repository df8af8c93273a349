package dev.braid;

/** How a list is written in a model's answer. */
public enum ListStyle {
    /** {@code red, green, blue}. */
    COMMA,
    /** One item per line. */
    NEWLINE,
    /** {@code 1. red} lines. */
    NUMBERED,
    /** {@code - red} bullets. */
    MARKDOWN
}
