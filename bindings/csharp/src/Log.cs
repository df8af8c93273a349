// braid's process-wide log sink as a C# delegate. The delegate travels to libbraid as a GCHandle in user_data,
// freed by braid's destroy callback once braid has replaced it; the function libbraid calls is the static
// Callbacks.Log, alive for the process.
using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Braid
{
    /// <summary>How important a log message is (braid_log_level); a sink receives the messages at or above its level.</summary>
    public enum LogLevel
    {
        /// <summary>Detail for braid's developers.</summary>
        Debug = 0,
        /// <summary>What happened that a user may want to know (contexts made, profiles asked for).</summary>
        Info = 1,
        /// <summary>Something went other than asked but the work goes on (a CPU fallback).</summary>
        Warning = 2,
        /// <summary>Something failed (the caller is told through an exception too).</summary>
        Error = 3,
        /// <summary>As a level: nothing.</summary>
        Off = 4,
    }

    /// <summary>
    /// Receives one of braid's log messages: its level (never Off), the part of braid it comes from ("context",
    /// "cpu", "vulkan", ...) and its text. Called on whatever thread logs, braid's own included, possibly on several
    /// at once: it must be thread-safe. What it throws is dropped; it must not set the log sink or level itself.
    /// </summary>
    public delegate void LogSink(LogLevel level, string component, string message);

    public static partial class Library
    {
        private static int exitHooked;

        /// <summary>
        /// Sends braid's log messages (the library prints nothing on its own) to <paramref name="sink"/>, for the
        /// whole process; null: standard error, braid's default (at Warning, or the level BRAID_LOG_LEVEL names,
        /// until a sink is set). Messages below <paramref name="level"/> are not delivered.
        /// </summary>
        public static void SetLogSink(LogSink sink, LogLevel level = LogLevel.Warning)
        {
            IntPtr data = sink == null ? IntPtr.Zero : GCHandle.ToIntPtr(GCHandle.Alloc(sink));
            int status;
            using (Callbacks.NativeScope.Enter()) // the replaced sink's destroy may run on this thread
                status = NativeMethods.braid_log_set_sink(sink == null ? null : Callbacks.Log, data,
                                                          sink == null ? null : Callbacks.Destroy, (int)level);
            Ensure.Ok(status); // on failure braid called destroy: the GCHandle is freed
            if (sink != null && Interlocked.Exchange(ref exitHooked, 1) == 0)
            {
                AppDomain.CurrentDomain.ProcessExit += BackToStandardError;
                AppDomain.CurrentDomain.DomainUnload += BackToStandardError;
            }
        }

        /// <summary>The lowest level the current sink receives.</summary>
        public static LogLevel LogLevel
        {
            get { return (LogLevel)NativeMethods.braid_log_get_level(); }
            set { Ensure.Ok(NativeMethods.braid_log_set_level((int)value)); }
        }

        // braid's static state destroys the last sink at exit, and braid's threads may log until then: after the
        // runtime has stopped, calling into C# would crash or hang. So braid goes back to standard error (at the
        // level it has) while the runtime still runs; the C# sink's destroy runs now, or once its last call ends.
        private static void BackToStandardError(object sender, EventArgs e)
        {
            NativeMethods.braid_log_set_sink(null, IntPtr.Zero, null, NativeMethods.braid_log_get_level());
        }
    }
}
