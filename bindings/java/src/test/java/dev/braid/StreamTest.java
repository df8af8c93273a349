package dev.braid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** Streaming: listeners, iterators, early stops, events, cancellation and deadlines. */
class StreamTest {
    static Runnable wordsChain(String answer, int delayMicros) {
        try (ChatPromptTemplate prompt = ChatPromptTemplate.fromMessages("[[\"user\", \"{q}\"]]");
             FakeChatModel model = FakeChatModel.fromConfig("{\"responses\": [" + Json.quote(answer)
                                                            + "], \"chunking\": \"words\", \"chunk_delay_us\": " + delayMicros + "}");
             StrOutputParser parser = new StrOutputParser()) {
            return Runnable.sequence(prompt, model, parser);
        }
    }

    @Test
    void listener() {
        try (Runnable chain = wordsChain("Paris is the capital.", 0)) {
            List<String> chunks = new ArrayList<>();
            chain.stream("{\"q\": \"?\"}", chunks::add);
            assertEquals(List.of("\"Paris\"", "\" is\"", "\" the\"", "\" capital.\""), chunks);
        }
    }

    @Test
    void listenerStopsEarly() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 200; ++i) {
            many.append("word ");
        }
        try (Runnable chain = wordsChain(many.toString(), 5000)) {
            List<String> chunks = new ArrayList<>();
            long start = System.nanoTime();
            chain.stream("{\"q\": \"?\"}", chunk -> chunks.add(chunk) && chunks.size() < 2);
            assertEquals(2, chunks.size());
            assertTrue(System.nanoTime() - start < 500_000_000L, "stopping the stream stops the model");
        }
    }

    @Test
    void listenerExceptionIsRethrown() {
        IllegalArgumentException thrown = new IllegalArgumentException("no more");
        try (Runnable chain = wordsChain("a b c", 0)) {
            IllegalArgumentException caught = assertThrows(IllegalArgumentException.class, () -> chain.stream("{\"q\": \"?\"}", c -> {
                throw thrown;
            }));
            assertSame(thrown, caught);
            assertThrows(NotFoundException.class, () -> chain.stream("{}", c -> true));
            assertThrows(InvalidArgumentException.class, () -> chain.stream("{}", null));
        }
    }

    @Test
    void iterator() {
        try (Runnable chain = wordsChain("one two three", 0)) {
            List<String> chunks = new ArrayList<>();
            try (ChunkStream stream = chain.openStream("{\"q\": \"?\"}")) {
                for (String chunk : stream) {
                    chunks.add(chunk);
                }
                assertFalse(stream.hasNext());
                assertThrows(NoSuchElementException.class, stream::next);
            }
            assertEquals(List.of("\"one\"", "\" two\"", "\" three\""), chunks);
            try (ChunkStream stream = chain.openStream("{\"q\": \"?\"}")) {
                assertEquals("\"one\"", stream.next()); // closed before its end: the run stops
            }
            try (ChunkStream failing = chain.openStream("{}")) {
                assertThrows(NotFoundException.class, failing::hasNext);
                assertFalse(failing.hasNext());
            }
            ChunkStream closed = chain.openStream("{\"q\": \"?\"}");
            closed.close();
            assertThrows(IllegalStateException.class, closed::hasNext);
        }
    }

    @Test
    void events() {
        try (Runnable chain = wordsChain("Hi there", 0)) {
            StringBuilder all = new StringBuilder();
            chain.events("{\"q\": \"?\"}", new RunOptions().config("{\"tags\": [\"demo\"]}"), e -> all.append(e) != null);
            assertTrue(all.toString().contains("\"event\":\"start\""));
            assertTrue(all.toString().contains("\"name\":\"fake_chat_model\""));
            assertTrue(all.toString().contains("\"tags\":[\"demo\"]"));
            int n = 0;
            try (ChunkStream events = chain.openEvents("{\"q\": \"?\"}", null)) {
                for (String e : events) {
                    assertTrue(e.contains("\"run_id\""));
                    ++n;
                }
            }
            assertTrue(n > 5);
        }
    }

    @Test
    void cancelAndTimeout() throws Exception {
        try (Runnable chain = wordsChain("a b c d e f g h i j k l m n o p q r s t", 20000);
             CancelToken token = new CancelToken()) {
            Thread canceller = new Thread(() -> {
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    return;
                }
                token.cancel();
            });
            canceller.start();
            List<String> chunks = new ArrayList<>();
            assertThrows(CancelledException.class, () -> chain.stream("{\"q\": \"?\"}", new RunOptions().cancel(token), chunks::add));
            canceller.join();
            assertTrue(token.isCancelled());
            assertTrue(chunks.size() < 20);
            assertThrows(CancelledException.class, () -> chain.invoke("{\"q\": \"?\"}", new RunOptions().cancel(token)));
            assertThrows(BraidTimeoutException.class, () -> chain.stream("{\"q\": \"?\"}", new RunOptions().timeoutMillis(30), c -> true));
            assertThrows(InvalidArgumentException.class, () -> chain.invoke("{}", new RunOptions().timeoutMillis(-1)));
        }
    }
}
