namespace Braid
{
    /// <summary>The status codes of braid's C ABI (braid_status); <see cref="Ensure"/> maps each to its exception.</summary>
    public enum Status
    {
        /// <summary>Success.</summary>
        Ok = 0,
        /// <summary>A stream has no more items (never thrown).</summary>
        Done = 1,
        /// <summary>An unusable argument.</summary>
        InvalidArgument = -1,
        /// <summary>Text could not be parsed.</summary>
        Parse = -2,
        /// <summary>A file could not be read or written.</summary>
        Io = -3,
        /// <summary>A model or tokenizer file is malformed.</summary>
        ModelFormat = -4,
        /// <summary>Valid input braid does not handle.</summary>
        Unsupported = -5,
        /// <summary>An allocation did not fit.</summary>
        OutOfMemory = -6,
        /// <summary>A compute device failed.</summary>
        Device = -7,
        /// <summary>The run was cancelled.</summary>
        Cancelled = -8,
        /// <summary>The run's deadline passed.</summary>
        Timeout = -9,
        /// <summary>A tool call failed.</summary>
        Tool = -10,
        /// <summary>A template failed to render.</summary>
        Template = -11,
        /// <summary>A value did not satisfy a schema or a step's shape.</summary>
        Validation = -12,
        /// <summary>A named thing does not exist.</summary>
        NotFound = -13,
        /// <summary>A bug in braid.</summary>
        Internal = -14,
        /// <summary>A callback (e.g. a C# step) failed with an exception that is not a BraidException.</summary>
        Callback = -100,
        /// <summary>A buffer was too small (the binding sizes its buffers).</summary>
        BufferTooSmall = -101,
    }
}
