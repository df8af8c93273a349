package dev.braid;

/** How {@link Runnable#graph} renders the shape of a chain. */
public enum GraphFormat {
    /** A Mermaid flowchart. */
    MERMAID,
    /** Plain text boxes and arrows. */
    ASCII,
    /** {"nodes": [...], "edges": [...]}. */
    JSON
}
