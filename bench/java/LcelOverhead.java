// The LCEL overhead benchmark from Java: chain1 of bench/lcel_overhead (ChatPromptTemplate(system + user)
// | FakeChatModel | StrOutputParser) through the Java binding, invoked with JSON text, and the same chain
// with a Java step at the end. Prints µs per invoke, the median of 15 runs after a warm-up:
// java_chain1_invoke_us=..., java_chain1_java_step_invoke_us=... (argument: a scale for longer runs).
import dev.braid.ChatPromptTemplate;
import dev.braid.FakeChatModel;
import dev.braid.Runnable;
import dev.braid.StrOutputParser;
import java.util.Arrays;

public final class LcelOverhead {
    private LcelOverhead() {}

    static volatile int sink;

    static double medianMicros(Runnable chain, String input, int iterations) {
        double[] runs = new double[15];
        for (int r = 0; r < runs.length; ++r) {
            long start = System.nanoTime();
            for (int i = 0; i < iterations; ++i) {
                sink += chain.invoke(input).length();
            }
            runs[r] = (System.nanoTime() - start) / 1e3 / iterations;
        }
        Arrays.sort(runs);
        return runs[runs.length / 2];
    }

    public static void main(String[] args) {
        int scale = args.length > 0 ? Math.max(1, Integer.parseInt(args[0])) : 1;
        String input = "{\"role\": \"a helpful assistant\", \"q\": \"What is the capital of France?\"}";
        try (ChatPromptTemplate prompt = ChatPromptTemplate.builder().system("You are {role}.").user("{q}").build();
             FakeChatModel model = FakeChatModel.fromConfig("{\"responses\": [\"Paris is the capital of France.\"], \"record\": false}");
             StrOutputParser parser = new StrOutputParser();
             Runnable step = Runnable.fromFunction("identity", s -> s);
             Runnable chain = Runnable.sequence(prompt, model, parser);
             Runnable withStep = Runnable.sequence(prompt, model, parser, step)) {
            if (!withStep.invoke(input).equals("\"Paris is the capital of France.\"")) {
                throw new IllegalStateException("unexpected output");
            }
            medianMicros(withStep, input, 20000); // warm-up: JIT
            System.out.printf("java_chain1_invoke_us=%.3f%n", medianMicros(chain, input, 20000 * scale));
            System.out.printf("java_chain1_java_step_invoke_us=%.3f%n", medianMicros(withStep, input, 20000 * scale));
        }
    }
}
