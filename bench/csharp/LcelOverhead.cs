// The LCEL overhead benchmark from C#: chain1 of bench/lcel_overhead (ChatPromptTemplate(system + user)
// | FakeChatModel | StrOutputParser) through the C# binding, invoked with JSON text, and the same chain
// with a C# step at the end. Prints µs per invoke, the median of 15 runs after a warm-up:
// csharp_chain1_invoke_us=..., csharp_chain1_csharp_step_invoke_us=... (argument: a scale for longer runs).
using System;
using System.Diagnostics;
using System.Globalization;
using Braid;

public static class LcelOverhead
{
    static int sink;

    static double MedianMicros(Runnable chain, string input, int iterations)
    {
        var runs = new double[15];
        for (int r = 0; r < runs.Length; ++r)
        {
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < iterations; ++i)
                sink += chain.Invoke(input).Length;
            runs[r] = watch.Elapsed.TotalMilliseconds * 1000.0 / iterations;
        }
        Array.Sort(runs);
        return runs[runs.Length / 2];
    }

    public static int Main(string[] args)
    {
        int scale = args.Length > 0 ? Math.Max(1, int.Parse(args[0], CultureInfo.InvariantCulture)) : 1;
        const string input = "{\"role\": \"a helpful assistant\", \"q\": \"What is the capital of France?\"}";
        using (var prompt = ChatPromptTemplate.Create().System("You are {role}.").User("{q}").Build())
        using (var model = FakeChatModel.FromConfig("{\"responses\": [\"Paris is the capital of France.\"], \"record\": false}"))
        using (var parser = new StrOutputParser())
        using (var step = Runnable.FromFunction("identity", s => s))
        using (var chain = Runnable.Sequence(prompt, model, parser))
        using (var withStep = Runnable.Sequence(prompt, model, parser, step))
        {
            if (withStep.Invoke(input) != "\"Paris is the capital of France.\"")
                throw new InvalidOperationException("unexpected output");
            MedianMicros(withStep, input, 20000); // warm-up
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "csharp_chain1_invoke_us={0:F3}", MedianMicros(chain, input, 20000 * scale)));
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "csharp_chain1_csharp_step_invoke_us={0:F3}", MedianMicros(withStep, input, 20000 * scale)));
        }
        return sink == 0 ? 1 : 0;
    }
}
