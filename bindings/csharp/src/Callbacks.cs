// C# code called by native code: the delegates handed to libbraid are static (alive for the process),
// the per-step state travels as a GCHandle in user_data and is freed by the destroy callback, when
// braid drops the step. Nothing thrown in C# ever crosses into native code.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;

namespace Braid
{
    internal static class Callbacks
    {
        internal static readonly NativeMethods.StepFn Step = CallStep;
        internal static readonly NativeMethods.StepFn Transform = CallTransform;
        internal static readonly NativeMethods.DestroyFn Destroy = DestroyState;
        internal static readonly NativeMethods.ChunkFn Chunk = OnChunk;
        internal static readonly NativeMethods.ProgressFn Progress = OnProgress;
        internal static readonly NativeMethods.TextFn Text = OnText;
        internal static readonly NativeMethods.LogFn Log = OnLog;

        // Calls into libbraid from this thread that are still running (a callback on this thread is then
        // nested in one), and whether this thread was marked as one of braid's own.
        [ThreadStatic] private static int nativeDepth;
        [ThreadStatic] private static bool adopted;

        /// <summary>Marks a managed call into libbraid that may call back on this thread (Dispose ends it).</summary>
        internal struct NativeScope : IDisposable
        {
            internal static NativeScope Enter()
            {
                ++nativeDepth;
                return new NativeScope();
            }

            public void Dispose() { --nativeDepth; }
        }

        // A callback on a thread that is not inside a call of ours is on one of braid's own threads, which the
        // runtime attached for the call. .NET treats such threads as background; Mono must be told.
        private static void Adopt()
        {
            if (nativeDepth == 0 && !adopted)
            {
                adopted = true;
                if (OnMono)
                    MonoShutdown.DoNotWaitForThisThread();
            }
        }

        private static readonly bool OnMono = Type.GetType("Mono.Runtime") != null;

        // Mono 6.8 waits at exit for every native thread that ever ran managed code: it aborts each (which
        // does nothing to a thread blocked in native code) and waits for it to end. braid's worker threads
        // only end at exit, so a process that ran a C# step on them would never end (fixed in later Mono,
        // mono/mono#18656, #20466; .NET does not wait). Mono's own fix for its helper threads is the
        // internal "don't manage" flag: set it on this thread, through the managed mirror of the runtime's
        // thread structure (System.Threading.InternalThread.flags, MONO_THREAD_FLAG_DONT_MANAGE = 1).
        private static class MonoShutdown
        {
            private const long DontManage = 1;
            private static readonly System.Reflection.FieldInfo InternalThread =
                typeof(Thread).GetField("internal_thread", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);

            internal static void DoNotWaitForThisThread()
            {
                try
                {
                    object thread = InternalThread == null ? null : InternalThread.GetValue(Thread.CurrentThread);
                    System.Reflection.FieldInfo flags = thread == null ? null :
                        thread.GetType().GetField("flags", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
                    if (flags != null && flags.FieldType == typeof(IntPtr))
                        flags.SetValue(thread, new IntPtr(((IntPtr)flags.GetValue(thread)).ToInt64() | DontManage));
                }
                catch (Exception)
                {
                    // another Mono layout: it may wait for this thread at exit
                }
            }
        }

        /// <summary>A C# step (Func&lt;string, string&gt; or Func&lt;string, IEnumerable&lt;string&gt;&gt;).</summary>
        internal sealed class StepState
        {
            internal Func<string, string> Function;
            internal Func<string, IEnumerable<string>> Chunks;
        }

        /// <summary>A stream, progress or text listener, and what stopped it (what it threw is rethrown as it is).</summary>
        internal sealed class ListenerState
        {
            internal Func<string, bool> OnChunk;
            internal Func<float, bool> OnProgress;
            internal Func<string, bool> OnText;
            internal Exception Error;
            internal bool Stopped;
        }

        private static int Fail(IntPtr call, Exception e)
        {
            BraidException braid = e as BraidException;
            NativeMethods.braid_call_set_error(call, Utf8.Bytes(e.GetType().FullName + ": " + e.Message));
            return braid != null && (int)braid.Status < 0 ? (int)braid.Status : (int)Status.Callback;
        }

        private static int Deliver(IntPtr call, string json, bool emit)
        {
            if (json == null)
            {
                NativeMethods.braid_call_set_error(call, Utf8.Bytes("the C# step returned null (return JSON text, e.g. \"null\")"));
                return (int)Status.Callback;
            }
            byte[] bytes = Utf8.Bytes(json);
            int status = emit ? NativeMethods.braid_call_emit(call, bytes) : NativeMethods.braid_call_set_output(call, bytes);
            if (status != (int)Status.Ok)
                NativeMethods.braid_call_set_error(call, Utf8.Bytes("the C# step returned invalid JSON: " +
                                                                     Utf8.Read(NativeMethods.braid_last_error())));
            return status;
        }

        private static int CallStep(IntPtr call, IntPtr inputJson, IntPtr userData)
        {
            try
            {
                Adopt();
                StepState state = (StepState)GCHandle.FromIntPtr(userData).Target;
                return Deliver(call, state.Function(Utf8.Read(inputJson)), false);
            }
            catch (Exception e)
            {
                return Fail(call, e);
            }
        }

        private static int CallTransform(IntPtr call, IntPtr inputJson, IntPtr userData)
        {
            try
            {
                Adopt();
                StepState state = (StepState)GCHandle.FromIntPtr(userData).Target;
                IEnumerable<string> chunks = state.Chunks(Utf8.Read(inputJson));
                if (chunks == null)
                    throw new InvalidOperationException("the C# transform returned null (return a sequence of JSON chunks, possibly empty)");
                foreach (string chunk in chunks)
                {
                    int status = Deliver(call, chunk, true);
                    if (status != (int)Status.Ok)
                        return status;
                }
                return (int)Status.Ok;
            }
            catch (Exception e)
            {
                return Fail(call, e);
            }
        }

        private static void DestroyState(IntPtr userData)
        {
            try
            {
                Adopt();
                GCHandle.FromIntPtr(userData).Free();
            }
            catch (Exception)
            {
                // nothing may cross into native code
            }
        }

        private static int OnChunk(IntPtr json, IntPtr userData)
        {
            ListenerState state = (ListenerState)GCHandle.FromIntPtr(userData).Target;
            try
            {
                if (state.OnChunk(Utf8.Read(json)))
                    return (int)Status.Ok;
                state.Stopped = true;
            }
            catch (Exception e)
            {
                state.Error = e; // rethrown by the caller as it is; braid fails the call with Callback
                return (int)Status.Callback;
            }
            return (int)Status.Cancelled;
        }

        private static int OnText(IntPtr piece, UIntPtr length, IntPtr userData)
        {
            ListenerState state = (ListenerState)GCHandle.FromIntPtr(userData).Target;
            try
            {
                if (state.OnText(Utf8.Read(piece, (int)length)))
                    return (int)Status.Ok;
                state.Stopped = true;
            }
            catch (Exception e)
            {
                state.Error = e; // rethrown by the caller as it is; braid fails the call with Callback
                return (int)Status.Callback;
            }
            return (int)Status.Cancelled;
        }

        // braid's log messages, on any thread (braid's own included), several at once.
        private static void OnLog(int level, IntPtr component, IntPtr message, IntPtr userData)
        {
            try
            {
                Adopt();
                LogSink sink = (LogSink)GCHandle.FromIntPtr(userData).Target;
                sink((LogLevel)level, Utf8.Read(component), Utf8.Read(message));
            }
            catch (Exception)
            {
                // a sink must not throw: what it throws is dropped
            }
        }

        private static int OnProgress(float progress, IntPtr userData)
        {
            ListenerState state = (ListenerState)GCHandle.FromIntPtr(userData).Target;
            try
            {
                if (state.OnProgress(progress))
                    return (int)Status.Ok;
            }
            catch (Exception e)
            {
                state.Error = e; // rethrown by the caller as it is; braid fails the call with Callback
                return (int)Status.Callback;
            }
            return (int)Status.Cancelled;
        }
    }
}
