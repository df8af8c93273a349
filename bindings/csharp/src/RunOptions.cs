using System;

namespace Braid
{
    /// <summary>Settings of one run: concurrency, recursion limit, a deadline, a cancellation token, a config (JSON).</summary>
    public sealed class RunOptions
    {
        /// <summary>Most batch items or parallel branches at once (0 = hardware threads).</summary>
        public int MaxConcurrency { get; set; }
        /// <summary>Deepest nesting of runs (0 = default).</summary>
        public int RecursionLimit { get; set; }
        /// <summary>Deadline in milliseconds from the start of the call (0 = none).</summary>
        public int TimeoutMilliseconds { get; set; }
        /// <summary>The token that cancels the run (null = none).</summary>
        public CancelToken Cancel { get; set; }
        /// <summary>Null, or a JSON object with any of "tags", "metadata", "run_name", "configurable".</summary>
        public string ConfigJson { get; set; }

        private static readonly RunOptions Defaults = new RunOptions();

        // Runs body with the native struct (the token kept alive, the config pinned in unmanaged memory).
        internal static T With<T>(RunOptions options, Func<NativeMethods.RunOptions, T> body)
        {
            RunOptions o = options ?? Defaults;
            if (o.MaxConcurrency < 0 || o.RecursionLimit < 0 || o.TimeoutMilliseconds < 0)
                throw new InvalidArgumentException(Status.InvalidArgument, "RunOptions: MaxConcurrency, RecursionLimit and TimeoutMilliseconds must not be negative");
            NativeMethods.RunOptions native = new NativeMethods.RunOptions
            {
                StructSize = (uint)System.Runtime.InteropServices.Marshal.SizeOf(typeof(NativeMethods.RunOptions)),
                MaxConcurrency = (uint)o.MaxConcurrency,
                RecursionLimit = (uint)o.RecursionLimit,
                TimeoutMs = (uint)o.TimeoutMilliseconds,
            };
            using (HandleArray token = new HandleArray(new System.Runtime.InteropServices.SafeHandle[] { o.Cancel == null ? null : o.Cancel.Handle }))
            using (Utf8.Array config = new Utf8.Array(new[] { o.ConfigJson }))
            {
                native.Cancel = token.Pointers[0];
                native.ConfigJson = config.Pointers[0];
                return body(native);
            }
        }
    }
}
