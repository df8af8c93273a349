using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Braid
{
    /// <summary>
    /// A step or a chain of braid (LCEL): JSON text in, JSON text out. Immutable and thread-safe; compose with
    /// <c>|</c> or <see cref="Pipe"/>, run with <see cref="Invoke"/>, <see cref="Batch"/>, <see cref="Stream"/>.
    /// A chain holds its own references to its steps: disposing a step never breaks a chain built from it.
    /// </summary>
    public class Runnable : IDisposable
    {
        internal readonly RunnableHandle Handle;

        internal Runnable(RunnableHandle handle)
        {
            Handle = handle;
        }

        /// <summary>Frees the native runnable (calls running on other threads finish first).</summary>
        public void Dispose() { Handle.Dispose(); }

        // ---- running ---------------------------------------------------------------------------

        /// <summary>The output for <paramref name="inputJson"/>.</summary>
        public string Invoke(string inputJson, RunOptions options = null)
        {
            byte[] input = Utf8.Bytes(inputJson);
            return RunOptions.With(options, o =>
            {
                IntPtr output;
                using (Callbacks.NativeScope.Enter())
                    Ensure.Ok(NativeMethods.braid_runnable_invoke(out output, Handle, input, ref o));
                return Utf8.Take(output);
            });
        }

        /// <summary>The outputs of every input, run concurrently; fails with the first error.</summary>
        public IList<string> Batch(IList<string> inputsJson, RunOptions options = null)
        {
            Ensure.NotNull(inputsJson, "inputsJson");
            using (Utf8.Array inputs = new Utf8.Array(inputsJson.ToArray()))
            {
                IntPtr[] outputs = new IntPtr[inputs.Pointers.Length];
                return RunOptions.With(options, o =>
                {
                    using (Callbacks.NativeScope.Enter())
                        Ensure.Ok(NativeMethods.braid_runnable_batch(outputs, Handle, inputs.Pointers, (UIntPtr)outputs.Length, ref o));
                    return (IList<string>)outputs.Select(Utf8.Take).ToList();
                });
            }
        }

        /// <summary>Every input run concurrently, each reporting its own output or error.</summary>
        public IList<BatchResult> BatchResults(IList<string> inputsJson, RunOptions options = null)
        {
            Ensure.NotNull(inputsJson, "inputsJson");
            using (Utf8.Array inputs = new Utf8.Array(inputsJson.ToArray()))
            {
                int n = inputs.Pointers.Length;
                IntPtr[] outputs = new IntPtr[n];
                IntPtr[] errors = new IntPtr[n];
                int[] statuses = new int[n];
                return RunOptions.With(options, o =>
                {
                    using (Callbacks.NativeScope.Enter())
                        Ensure.Ok(NativeMethods.braid_runnable_batch_results(outputs, statuses, errors, Handle, inputs.Pointers, (UIntPtr)n, ref o));
                    List<BatchResult> results = new List<BatchResult>(n);
                    for (int i = 0; i < n; ++i)
                        results.Add(new BatchResult(Utf8.Take(outputs[i]), (Status)statuses[i], Utf8.Take(errors[i])));
                    return (IList<BatchResult>)results;
                });
            }
        }

        /// <summary>
        /// The output chunks, pulled as they are produced (deferred: the run starts at the first MoveNext).
        /// Disposing the enumerator early (leaving a foreach) stops the run.
        /// </summary>
        public IEnumerable<string> Stream(string inputJson, RunOptions options = null)
        {
            return Pull(inputJson, options, false);
        }

        /// <summary>The events of every nested run ({"event": "start"|"chunk"|"end"|"error", ...}), pulled as they come.</summary>
        public IEnumerable<string> Events(string inputJson, RunOptions options = null)
        {
            return Pull(inputJson, options, true);
        }

        // An iterator: nothing runs until the first MoveNext; leaving the loop early disposes the stream.
        private IEnumerable<string> Pull(string inputJson, RunOptions options, bool events)
        {
            byte[] input = Utf8.Bytes(inputJson);
            StreamHandle stream = RunOptions.With(options, o =>
            {
                StreamHandle s;
                int status = events ? NativeMethods.braid_runnable_events_open(out s, Handle, input, ref o)
                                    : NativeMethods.braid_runnable_stream_open(out s, Handle, input, ref o);
                Ensure.Ok(status);
                return s;
            });
            stream.SetParent(Handle);
            using (stream)
            {
                for (;;)
                {
                    IntPtr item;
                    int status;
                    using (Callbacks.NativeScope.Enter())
                        status = NativeMethods.braid_stream_next(out item, stream);
                    if (status == (int)Status.Done)
                        yield break;
                    Ensure.Ok(status);
                    yield return Utf8.Take(item);
                }
            }
        }

        /// <summary>
        /// Streams the output to <paramref name="onChunk"/>, on this thread: returning false stops the run quietly;
        /// an exception thrown by it stops the run and is rethrown here.
        /// </summary>
        public void StreamTo(string inputJson, Func<string, bool> onChunk, RunOptions options = null)
        {
            Listen(inputJson, onChunk, options, false);
        }

        /// <summary>Streams the events to <paramref name="onEvent"/> (see <see cref="StreamTo"/>).</summary>
        public void EventsTo(string inputJson, Func<string, bool> onEvent, RunOptions options = null)
        {
            Listen(inputJson, onEvent, options, true);
        }

        private void Listen(string inputJson, Func<string, bool> listener, RunOptions options, bool events)
        {
            Ensure.NotNull(listener, "listener");
            byte[] input = Utf8.Bytes(inputJson);
            Callbacks.ListenerState state = new Callbacks.ListenerState { OnChunk = listener };
            GCHandle pin = GCHandle.Alloc(state);
            try
            {
                int status;
                using (Callbacks.NativeScope.Enter())
                    status = RunOptions.With(options, o => events
                    ? NativeMethods.braid_runnable_events(Handle, input, ref o, Callbacks.Chunk, GCHandle.ToIntPtr(pin))
                    : NativeMethods.braid_runnable_stream(Handle, input, ref o, Callbacks.Chunk, GCHandle.ToIntPtr(pin)));
                if (state.Error != null)
                    ExceptionDispatchInfo.Capture(state.Error).Throw();
                if (status == (int)Status.Cancelled && state.Stopped)
                    return;
                Ensure.Ok(status);
            }
            finally
            {
                pin.Free();
            }
        }

        /// <summary>The step's name.</summary>
        public string Name
        {
            get
            {
                IntPtr name;
                Ensure.Ok(NativeMethods.braid_runnable_name(out name, Handle));
                return Utf8.Take(name);
            }
        }

        /// <summary>The shape of the chain: Input, the steps and how they stream, Output.</summary>
        public string Graph(GraphFormat format)
        {
            IntPtr text;
            Ensure.Ok(NativeMethods.braid_runnable_graph(out text, Handle, (int)format));
            return Utf8.Take(text);
        }

        // ---- composing -------------------------------------------------------------------------

        /// <summary><c>this | next</c>.</summary>
        public Runnable Pipe(Runnable next)
        {
            Ensure.NotNull(next, "next");
            RunnableHandle h;
            Ensure.Ok(NativeMethods.braid_runnable_pipe(out h, Handle, next.Handle));
            return new Runnable(h);
        }

        /// <summary><c>first | second</c>: the output of <paramref name="first"/> feeds <paramref name="second"/>.</summary>
        public static Runnable operator |(Runnable first, Runnable second)
        {
            Ensure.NotNull(first, "first");
            return first.Pipe(second);
        }

        /// <summary>This step, retried on failure.</summary>
        public Runnable WithRetry(RetryOptions options = null)
        {
            RetryOptions r = options ?? new RetryOptions();
            if (r.MaxAttempts < 0 || r.InitialDelayMilliseconds < 0 || r.MaxDelayMilliseconds < 0)
                throw new InvalidArgumentException(Status.InvalidArgument, "RetryOptions: attempts and delays must not be negative");
            int[] on = (r.RetryOn ?? new Status[0]).Select(s => (int)s).ToArray();
            GCHandle pin = GCHandle.Alloc(on, GCHandleType.Pinned);
            try
            {
                NativeMethods.RetryOptions native = new NativeMethods.RetryOptions
                {
                    StructSize = (uint)Marshal.SizeOf(typeof(NativeMethods.RetryOptions)),
                    MaxAttempts = (uint)r.MaxAttempts,
                    InitialDelayMs = (uint)r.InitialDelayMilliseconds,
                    MaxDelayMs = (uint)r.MaxDelayMilliseconds,
                    BackoffMultiplier = r.Multiplier,
                    Jitter = r.Jitter ? 1u : 0u,
                    RetryOnCount = (uint)on.Length,
                    RetryOn = on.Length == 0 ? IntPtr.Zero : pin.AddrOfPinnedObject(),
                };
                RunnableHandle h;
                Ensure.Ok(NativeMethods.braid_runnable_with_retry(out h, Handle, ref native));
                return new Runnable(h);
            }
            finally
            {
                pin.Free();
            }
        }

        /// <summary>This step, then each fallback in turn when the previous one failed (only for <paramref name="onlyFor"/> when given).</summary>
        public Runnable WithFallbacks(IList<Runnable> fallbacks, params Status[] onlyFor)
        {
            Ensure.NotNull(fallbacks, "fallbacks");
            using (HandleArray others = Handles(fallbacks))
            {
                int[] codes = onlyFor.Select(s => (int)s).ToArray();
                RunnableHandle h;
                Ensure.Ok(NativeMethods.braid_runnable_with_fallbacks(out h, Handle, others.Pointers, (UIntPtr)others.Pointers.Length,
                                                                      codes.Length == 0 ? null : codes, (UIntPtr)codes.Length));
                return new Runnable(h);
            }
        }

        /// <summary>This step run with a config merged into the caller's ({"tags", "metadata", "run_name", ...}).</summary>
        public Runnable WithConfig(string configJson)
        {
            RunnableHandle h;
            Ensure.Ok(NativeMethods.braid_runnable_with_config(out h, Handle, Utf8.Bytes(configJson)));
            return new Runnable(h);
        }

        /// <summary>This step with fixed settings in its runs' configurable (e.g. {"stop": ["\n"]} for a model).</summary>
        public Runnable Bind(string kwargsJson)
        {
            RunnableHandle h;
            Ensure.Ok(NativeMethods.braid_runnable_bind(out h, Handle, Utf8.Bytes(kwargsJson)));
            return new Runnable(h);
        }

        // ---- constructors ----------------------------------------------------------------------

        internal static HandleArray Handles(IEnumerable<Runnable> runnables)
        {
            return new HandleArray(runnables.Select(r => r == null ? null : (SafeHandle)r.Handle).ToArray());
        }

        private static Runnable Callback(string name, Callbacks.StepState state, bool transform)
        {
            IntPtr data = GCHandle.ToIntPtr(GCHandle.Alloc(state));
            RunnableHandle h;
            // braid calls Destroy (freeing the GCHandle) exactly once, also when this fails
            int status = transform
                ? NativeMethods.braid_runnable_from_transform_callback(out h, Utf8.Bytes(name), Callbacks.Transform, data, Callbacks.Destroy)
                : NativeMethods.braid_runnable_from_callback(out h, Utf8.Bytes(name), Callbacks.Step, data, Callbacks.Destroy);
            Ensure.Ok(status);
            return new Runnable(h);
        }

        /// <summary>A step written in C#: JSON in, JSON out. Called from several threads at once, some of them braid's.</summary>
        public static Runnable FromFunction(string name, Func<string, string> function)
        {
            Ensure.NotNull(function, "function");
            return Callback(name, new Callbacks.StepState { Function = function }, false);
        }

        /// <summary>A streaming step written in C#: called per input chunk when streamed, it returns the output chunks.</summary>
        public static Runnable FromTransform(string name, Func<string, IEnumerable<string>> function)
        {
            Ensure.NotNull(function, "function");
            return Callback(name, new Callbacks.StepState { Chunks = function }, true);
        }

        /// <summary><c>steps[0] | steps[1] | ...</c>.</summary>
        public static Runnable Sequence(params Runnable[] steps)
        {
            using (HandleArray parts = Handles(steps))
            {
                RunnableHandle h;
                Ensure.Ok(NativeMethods.braid_runnable_sequence(out h, parts.Pointers, (UIntPtr)parts.Pointers.Length));
                return new Runnable(h);
            }
        }

        /// <summary>The identity step.</summary>
        public static Runnable Passthrough()
        {
            RunnableHandle h;
            Ensure.Ok(NativeMethods.braid_runnable_passthrough(out h));
            return new Runnable(h);
        }

        /// <summary>Runs the branches concurrently on the same input: {"key": output, ...}.</summary>
        public static Runnable Parallel(IDictionary<string, Runnable> branches)
        {
            Ensure.NotNull(branches, "branches");
            return Map(branches, false);
        }

        /// <summary>The input object with the keys of <paramref name="branches"/> added, computed from it.</summary>
        public static Runnable Assign(IDictionary<string, Runnable> branches)
        {
            Ensure.NotNull(branches, "branches");
            return Map(branches, true);
        }

        private static Runnable Map(IDictionary<string, Runnable> branches, bool assign)
        {
            using (Utf8.Array keys = new Utf8.Array(branches.Keys.ToArray()))
            using (HandleArray steps = Handles(branches.Values))
            {
                RunnableHandle h;
                UIntPtr n = (UIntPtr)steps.Pointers.Length;
                Ensure.Ok(assign ? NativeMethods.braid_runnable_assign(out h, keys.Pointers, steps.Pointers, n)
                                 : NativeMethods.braid_runnable_parallel(out h, keys.Pointers, steps.Pointers, n));
                return new Runnable(h);
            }
        }

        /// <summary>Returns input[key].</summary>
        public static Runnable Pick(string key)
        {
            RunnableHandle h;
            Ensure.Ok(NativeMethods.braid_runnable_pick(out h, Utf8.Bytes(key)));
            return new Runnable(h);
        }

        /// <summary>Returns the object of the listed keys the input has.</summary>
        public static Runnable PickKeys(params string[] keys)
        {
            using (Utf8.Array names = new Utf8.Array(keys))
            {
                RunnableHandle h;
                Ensure.Ok(NativeMethods.braid_runnable_pick_keys(out h, names.Pointers, (UIntPtr)names.Pointers.Length));
                return new Runnable(h);
            }
        }

        /// <summary>Runs the step of the first condition returning true, else <paramref name="otherwise"/>.</summary>
        public static Runnable Branch(IList<Runnable> conditions, IList<Runnable> steps, Runnable otherwise)
        {
            Ensure.NotNull(conditions, "conditions");
            Ensure.NotNull(steps, "steps");
            Ensure.NotNull(otherwise, "otherwise");
            if (conditions.Count != steps.Count)
                throw new InvalidArgumentException(Status.InvalidArgument, "conditions and steps differ in length");
            using (HandleArray tests = Handles(conditions))
            using (HandleArray then = Handles(steps))
            {
                RunnableHandle h;
                Ensure.Ok(NativeMethods.braid_runnable_branch(out h, tests.Pointers, then.Pointers, (UIntPtr)then.Pointers.Length, otherwise.Handle));
                return new Runnable(h);
            }
        }

        /// <summary>Routes an object input by input[key] to the matching step; <paramref name="otherwise"/> may be null.</summary>
        public static Runnable Router(string key, IDictionary<string, Runnable> routes, Runnable otherwise)
        {
            Ensure.NotNull(routes, "routes");
            using (Utf8.Array values = new Utf8.Array(routes.Keys.ToArray()))
            using (HandleArray steps = Handles(routes.Values))
            using (HandleArray fallback = Handles(new[] { otherwise }))
            {
                RunnableHandle h;
                Ensure.Ok(NativeMethods.braid_runnable_router(out h, Utf8.Bytes(key), values.Pointers, steps.Pointers,
                                                              (UIntPtr)steps.Pointers.Length, fallback.Pointers[0]));
                return new Runnable(h);
            }
        }

        /// <summary>A chain described in JSON (braid/spec.h); <paramref name="refs"/> names runnables the spec uses.</summary>
        public static Runnable FromSpec(string specJson, IDictionary<string, Runnable> refs = null)
        {
            IDictionary<string, Runnable> named = refs ?? new Dictionary<string, Runnable>();
            using (Utf8.Array names = new Utf8.Array(named.Keys.ToArray()))
            using (HandleArray runnables = Handles(named.Values))
            {
                RunnableHandle h;
                Ensure.Ok(NativeMethods.braid_runnable_from_spec(out h, Utf8.Bytes(specJson), names.Pointers, runnables.Pointers,
                                                                 (UIntPtr)names.Pointers.Length));
                return new Runnable(h);
            }
        }
    }
}
