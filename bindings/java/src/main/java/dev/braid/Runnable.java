package dev.braid;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * A step or a chain of braid (LCEL): JSON text in, JSON text out. Immutable and thread-safe; compose
 * with {@link #pipe}, run with {@link #invoke}, {@link #batch}, {@link #stream}, {@link #events}.
 * <pre>{@code
 * try (Runnable chain = prompt.pipe(model).pipe(parser)) {
 *     String answer = chain.invoke("{\"q\": \"Why is the sky blue?\"}");
 *     chain.stream("{\"q\": \"Tell me more\"}", chunk -> { System.out.print(chunk); return true; });
 * }
 * }</pre>
 * A chain holds its own references to its steps: closing a step never breaks a chain built from it.
 */
public class Runnable extends NativeHandle {
    private static final RunOptions DEFAULTS = new RunOptions();

    Runnable(long pointer) {
        super(pointer, Native::runnableFree);
    }

    // Borrows this handle's pointer for one call.
    final <T> T use(LongFunction<T> body) {
        long p = acquire();
        try {
            return body.apply(p);
        } finally {
            release();
        }
    }

    // Borrows the pointers of several handles (null entries give 0) for one call.
    static <T> T useAll(List<? extends NativeHandle> handles, java.util.function.Function<long[], T> body) {
        long[] pointers = new long[handles.size()];
        int taken = 0;
        try {
            for (; taken < pointers.length; ++taken) {
                NativeHandle h = handles.get(taken);
                pointers[taken] = h == null ? 0 : h.acquire();
            }
            return body.apply(pointers);
        } finally {
            for (int i = 0; i < taken; ++i) {
                if (handles.get(i) != null) {
                    handles.get(i).release();
                }
            }
        }
    }

    private static RunOptions orDefault(RunOptions options) {
        return options == null ? DEFAULTS : options;
    }

    // ---- running ------------------------------------------------------------------------------

    /**
     * @param inputJson the input
     * @return the output, JSON text
     */
    public String invoke(String inputJson) {
        return invoke(inputJson, null);
    }

    /**
     * @param inputJson the input
     * @param options null, or the run's settings
     * @return the output, JSON text
     */
    public String invoke(String inputJson, RunOptions options) {
        RunOptions o = orDefault(options);
        return use(p -> o.withToken(t -> Native.invoke(p, inputJson, o.maxConcurrency, o.recursionLimit,
                                                        o.timeoutMillis, t, o.configJson)));
    }

    /**
     * Runs every input concurrently; fails with the first error.
     *
     * @param inputsJson the inputs
     * @return the outputs, in order
     */
    public List<String> batch(List<String> inputsJson) {
        return batch(inputsJson, null);
    }

    /**
     * @param inputsJson the inputs
     * @param options null, or the settings (maxConcurrency bounds the batch)
     * @return the outputs, in order
     */
    public List<String> batch(List<String> inputsJson, RunOptions options) {
        RunOptions o = orDefault(options);
        String[] inputs = inputsJson.toArray(new String[0]);
        return Arrays.asList(use(p -> o.withToken(t -> Native.batch(p, inputs, o.maxConcurrency, o.recursionLimit,
                                                                     o.timeoutMillis, t, o.configJson))));
    }

    /**
     * Runs every input concurrently; each item reports its own output or error.
     *
     * @param inputsJson the inputs
     * @param options null, or the settings
     * @return the outcomes, in order
     */
    public List<BatchResult> batchResults(List<String> inputsJson, RunOptions options) {
        RunOptions o = orDefault(options);
        String[] inputs = inputsJson.toArray(new String[0]);
        Object[] r = use(p -> o.withToken(t -> Native.batchResults(p, inputs, o.maxConcurrency, o.recursionLimit,
                                                                    o.timeoutMillis, t, o.configJson)));
        String[] outputs = (String[]) r[0];
        int[] statuses = (int[]) r[1];
        String[] errors = (String[]) r[2];
        List<BatchResult> results = new ArrayList<>(outputs.length);
        for (int i = 0; i < outputs.length; ++i) {
            results.add(new BatchResult(outputs[i], Status.of(statuses[i]), errors[i]));
        }
        return results;
    }

    /**
     * Streams the output: the listener gets each chunk as it is produced, on this thread.
     *
     * @param inputJson the input
     * @param listener gets the chunks; false stops the stream, an exception stops it and is rethrown
     */
    public void stream(String inputJson, ChunkListener listener) {
        stream(inputJson, null, listener);
    }

    /**
     * @param inputJson the input
     * @param options null, or the settings
     * @param listener gets the chunks
     */
    public void stream(String inputJson, RunOptions options, ChunkListener listener) {
        run(inputJson, options, false, listener);
    }

    /**
     * Streams the events of every nested run: {"event": "start"|"chunk"|"end"|"error", "run_id", ...}.
     *
     * @param inputJson the input
     * @param options null, or the settings
     * @param listener gets the events
     */
    public void events(String inputJson, RunOptions options, ChunkListener listener) {
        run(inputJson, options, true, listener);
    }

    private void run(String inputJson, RunOptions options, boolean events, ChunkListener listener) {
        RunOptions o = orDefault(options);
        use(p -> o.withToken(t -> {
            Native.stream(p, inputJson, o.maxConcurrency, o.recursionLimit, o.timeoutMillis, t, o.configJson, events,
                          listener);
            return null;
        }));
    }

    /**
     * @param inputJson the input
     * @return the output chunks, pulled as they come (close it to stop early)
     */
    public ChunkStream openStream(String inputJson) {
        return openStream(inputJson, null);
    }

    /**
     * @param inputJson the input
     * @param options null, or the settings (the deadline counts from now)
     * @return the output chunks
     */
    public ChunkStream openStream(String inputJson, RunOptions options) {
        return open(inputJson, options, false);
    }

    /**
     * @param inputJson the input
     * @param options null, or the settings
     * @return the events of the run, pulled as they come
     */
    public ChunkStream openEvents(String inputJson, RunOptions options) {
        return open(inputJson, options, true);
    }

    private ChunkStream open(String inputJson, RunOptions options, boolean events) {
        RunOptions o = orDefault(options);
        return new ChunkStream(use(p -> o.withToken(t -> Native.streamOpen(p, inputJson, o.maxConcurrency,
                                                                             o.recursionLimit, o.timeoutMillis, t,
                                                                             o.configJson, events))));
    }

    /** @return the step's name */
    public String name() {
        return use(Native::name);
    }

    /**
     * @param format how to render it
     * @return the shape of the chain: Input, steps (with how they stream), Output
     */
    public String graph(GraphFormat format) {
        return use(p -> Native.graph(p, format.ordinal()));
    }

    // ---- composing ----------------------------------------------------------------------------

    /**
     * @param next the step that takes this one's output
     * @return {@code this | next}
     */
    public Runnable pipe(Runnable next) {
        return new Runnable(useAll(Arrays.asList(this, next), p -> Native.pipe(p[0], p[1])));
    }

    /**
     * @param options how to retry
     * @return this step, retried on failure
     */
    public Runnable withRetry(RetryOptions options) {
        int[] on = Arrays.stream(options.retryOn).mapToInt(Status::code).toArray();
        return new Runnable(use(p -> Native.withRetry(p, options.maxAttempts, options.initialDelayMillis,
                                                      options.maxDelayMillis, options.multiplier, options.jitter, on)));
    }

    /**
     * @param fallbacks tried in order when the previous one failed
     * @return this step with fallbacks (for every failure but cancelled and timeout)
     */
    public Runnable withFallbacks(Runnable... fallbacks) {
        return withFallbacks(Arrays.asList(fallbacks));
    }

    /**
     * @param fallbacks tried in order when the previous one failed
     * @param onlyFor the statuses that trigger a fallback (none = every failure but cancelled and timeout)
     * @return this step with fallbacks
     */
    public Runnable withFallbacks(List<Runnable> fallbacks, Status... onlyFor) {
        int[] codes = Arrays.stream(onlyFor).mapToInt(Status::code).toArray();
        List<NativeHandle> all = new ArrayList<>(fallbacks);
        all.add(0, this);
        return new Runnable(useAll(all, p -> Native.withFallbacks(p[0], Arrays.copyOfRange(p, 1, p.length), codes)));
    }

    /**
     * @param configJson {"tags", "metadata", "run_name", "configurable", "max_concurrency", "recursion_limit"}
     * @return this step run under that config (merged into the caller's)
     */
    public Runnable withConfig(String configJson) {
        return new Runnable(use(p -> Native.withConfig(p, configJson)));
    }

    /**
     * @param kwargsJson a JSON object, e.g. {"temperature": 0, "stop": ["\n"]}
     * @return this step with those settings in its runs' configurable
     */
    public Runnable bind(String kwargsJson) {
        return new Runnable(use(p -> Native.bind(p, kwargsJson)));
    }

    // ---- constructors -------------------------------------------------------------------------

    /**
     * A step written in Java (invoked once per input; streaming buffers at it).
     *
     * @param name its name in events, errors and graphs
     * @param function the code
     * @return the step
     */
    public static Runnable fromFunction(String name, StepFunction function) {
        if (function == null) {
            throw new InvalidArgumentException(Status.INVALID_ARGUMENT, "function is null");
        }
        return new Runnable(Native.fromFunction(name, function));
    }

    /**
     * A streaming step written in Java (called per input chunk when streamed).
     *
     * @param name its name
     * @param function the code
     * @return the step
     */
    public static Runnable fromTransform(String name, TransformFunction function) {
        if (function == null) {
            throw new InvalidArgumentException(Status.INVALID_ARGUMENT, "function is null");
        }
        return new Runnable(Native.fromTransform(name, function));
    }

    /**
     * @param steps the steps, in order
     * @return {@code steps[0] | steps[1] | ...}
     */
    public static Runnable sequence(Runnable... steps) {
        return new Runnable(useAll(Arrays.asList(steps), Native::sequence));
    }

    /** @return the identity step */
    public static Runnable passthrough() {
        return new Runnable(Native.passthrough());
    }

    /**
     * @param branches key to step, run concurrently on the same input
     * @return the step returning {"key": output, ...}
     */
    public static Runnable parallel(Map<String, Runnable> branches) {
        String[] keys = branches.keySet().toArray(new String[0]);
        return new Runnable(useAll(new ArrayList<>(branches.values()), p -> Native.parallel(keys, p)));
    }

    /**
     * @param branches key to step, computed from the input object
     * @return the step returning the input object with those keys added
     */
    public static Runnable assign(Map<String, Runnable> branches) {
        String[] keys = branches.keySet().toArray(new String[0]);
        return new Runnable(useAll(new ArrayList<>(branches.values()), p -> Native.assign(keys, p)));
    }

    /**
     * @param key the key
     * @return the step returning input[key]
     */
    public static Runnable pick(String key) {
        return new Runnable(Native.pick(key));
    }

    /**
     * @param keys the keys
     * @return the step returning the object of those keys the input has
     */
    public static Runnable pickKeys(String... keys) {
        return new Runnable(Native.pickKeys(keys));
    }

    /**
     * @param conditions steps returning true or false, tried in order
     * @param steps the step of each condition
     * @param otherwise the default step
     * @return the branch
     */
    public static Runnable branch(List<Runnable> conditions, List<Runnable> steps, Runnable otherwise) {
        int n = conditions.size();
        List<NativeHandle> all = new ArrayList<>(conditions);
        all.addAll(steps);
        all.add(otherwise);
        return new Runnable(useAll(all, p -> Native.branch(Arrays.copyOfRange(p, 0, n),
                                                           Arrays.copyOfRange(p, n, p.length - 1), p[p.length - 1])));
    }

    /**
     * @param key the routing key of the input object
     * @param routes value to step
     * @param otherwise the default step, or null (an unknown value is then a {@link NotFoundException})
     * @return the router
     */
    public static Runnable router(String key, Map<String, Runnable> routes, Runnable otherwise) {
        String[] values = routes.keySet().toArray(new String[0]);
        List<NativeHandle> all = new ArrayList<>(routes.values());
        all.add(otherwise);
        return new Runnable(useAll(all, p -> Native.router(key, values, Arrays.copyOf(p, p.length - 1), p[p.length - 1])));
    }

    /**
     * A chain described in JSON (see braid/spec.h).
     *
     * @param specJson the spec
     * @param refs runnables that {"type": "ref", "name": ...} specs use (may be empty)
     * @return the chain
     */
    public static Runnable fromSpec(String specJson, Map<String, Runnable> refs) {
        String[] names = refs.keySet().toArray(new String[0]);
        return new Runnable(useAll(new ArrayList<>(refs.values()), p -> Native.fromSpec(specJson, names, p)));
    }
}
