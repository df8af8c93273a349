namespace Braid
{
    /// <summary>How <see cref="Runnable.Graph"/> renders the shape of a chain.</summary>
    public enum GraphFormat
    {
        /// <summary>A Mermaid flowchart.</summary>
        Mermaid = 0,
        /// <summary>Plain text boxes and arrows.</summary>
        Ascii = 1,
        /// <summary>{"nodes": [...], "edges": [...]}.</summary>
        Json = 2,
    }
}
