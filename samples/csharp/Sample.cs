// braid from C#: prompt | model | parser, invoked and streamed (foreach over IEnumerable<string>), a C#
// step in the chain, partial JSON while it streams, and errors as exceptions. The chat model is the
// SCRIPTED FAKE MODEL (its answers are fixed below, it does not read the prompt).
using System;
using Braid;

public static class Sample
{
    public static int Main()
    {
        Console.WriteLine("braid " + Library.Version + " C# sample (the chat model is a scripted fake, not a real model)\n");
        const string input = "{\"role\": \"a pirate\", \"question\": \"What is the capital of France?\"}";
        using (var prompt = ChatPromptTemplate.Create()
                   .System("You are {role}. Answer in one sentence.")
                   .Placeholder("history", true)
                   .User("{question}")
                   .Build())
        using (var model = FakeChatModel.FromConfig("{\"responses\": [\"Arr, Paris it be, matey!\"], \"chunking\": \"words\"}"))
        using (var parser = new StrOutputParser())
        using (var chain = prompt | model | parser)
        {
            Console.WriteLine("1) prompt | model | parser: " + chain.Invoke(input));

            Console.WriteLine("2) streamed (foreach over the chunks):");
            foreach (string chunk in chain.Stream(input))
                Console.WriteLine("  chunk: " + chunk);

            Console.WriteLine("3) with a C# step at the end:");
            using (var shout = Runnable.FromTransform("shout", chunk => new[] { chunk.ToUpperInvariant() }))
            using (var loud = chain | shout)
                foreach (string chunk in loud.Stream(input))
                    Console.WriteLine("  chunk: " + chunk);

            Console.WriteLine("4) a missing variable:");
            try
            {
                chain.Invoke("{\"role\": \"a pirate\"}");
            }
            catch (BraidException e)
            {
                Console.WriteLine("  " + e.GetType().Name + " (" + e.Status + "): " + e.Message);
            }
        }

        Console.WriteLine("5) partial JSON while the answer streams:");
        using (var model = FakeChatModel.FromConfig("{\"responses\": [\"{\\\"city\\\": \\\"Paris\\\", \\\"landmarks\\\": [\\\"Eiffel Tower\\\", \\\"Louvre\\\"]}\"], \"chunking\": \"chars\", \"chunk_size\": 8}"))
        using (var json = new JsonOutputParser())
        using (var chain = model | json)
            foreach (string partial in chain.Stream("\"Describe Paris as JSON.\""))
                Console.WriteLine("  partial: " + partial);
        return 0;
    }
}
