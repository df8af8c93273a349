// braid from Java: prompt | model | parser, invoked and streamed (a listener and an iterator), a Java
// step in the chain, partial JSON while it streams, and errors as exceptions. The chat model is the
// SCRIPTED FAKE MODEL (its answers are fixed below, it does not read the prompt).
import dev.braid.Braid;
import dev.braid.BraidException;
import dev.braid.ChatPromptTemplate;
import dev.braid.ChunkStream;
import dev.braid.FakeChatModel;
import dev.braid.JsonOutputParser;
import dev.braid.Runnable;
import dev.braid.StrOutputParser;

public final class Sample {
    private Sample() {}

    public static void main(String[] args) {
        System.out.println("braid " + Braid.version() + " Java sample (the chat model is a scripted fake, not a real model)\n");
        String input = "{\"role\": \"a pirate\", \"question\": \"What is the capital of France?\"}";
        try (ChatPromptTemplate prompt = ChatPromptTemplate.builder()
                 .system("You are {role}. Answer in one sentence.")
                 .placeholder("history", true)
                 .user("{question}")
                 .build();
             FakeChatModel model = FakeChatModel.fromConfig(
                 "{\"responses\": [\"Arr, Paris it be, matey!\"], \"chunking\": \"words\"}");
             StrOutputParser parser = new StrOutputParser();
             Runnable chain = prompt.pipe(model).pipe(parser)) {
            System.out.println("1) prompt | model | parser: " + chain.invoke(input));

            System.out.println("2) streamed to a listener:");
            chain.stream(input, chunk -> {
                System.out.println("  chunk: " + chunk);
                return true;
            });

            System.out.println("3) streamed through an iterator, with a Java step at the end:");
            try (Runnable shout = Runnable.fromTransform("shout", chunk -> java.util.List.of(chunk.toUpperCase()));
                 Runnable loud = chain.pipe(shout);
                 ChunkStream chunks = loud.openStream(input)) {
                for (String chunk : chunks) {
                    System.out.println("  chunk: " + chunk);
                }
            }

            System.out.println("4) a missing variable:");
            try {
                chain.invoke("{\"role\": \"a pirate\"}");
            } catch (BraidException e) {
                System.out.println("  " + e.getClass().getSimpleName() + " (" + e.status() + "): " + e.getMessage());
            }
        }

        System.out.println("5) partial JSON while the answer streams:");
        try (FakeChatModel model = FakeChatModel.fromConfig(
                 "{\"responses\": [\"{\\\"city\\\": \\\"Paris\\\", \\\"landmarks\\\": [\\\"Eiffel Tower\\\", \\\"Louvre\\\"]}\"],"
                 + " \"chunking\": \"chars\", \"chunk_size\": 8}");
             JsonOutputParser json = new JsonOutputParser();
             Runnable chain = model.pipe(json)) {
            chain.stream("\"Describe Paris as JSON.\"", partial -> {
                System.out.println("  partial: " + partial);
                return true;
            });
        }
    }
}
