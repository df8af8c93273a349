package dev.braid;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One chain with a Java step, 16 threads at once: identical results, every call accounted for. */
class ThreadsTest {
    @Test
    void sixteenThreads() throws Exception {
        AtomicInteger javaCalls = new AtomicInteger();
        try (ChatPromptTemplate prompt = ChatPromptTemplate.builder().system("You are {role}.").user("{q}").build();
             FakeChatModel model = FakeChatModel.fromConfig("{\"responses\": [\"Arr, Paris it be.\"], \"record\": false}");
             StrOutputParser parser = new StrOutputParser();
             Runnable count = Runnable.fromFunction("count", s -> {
                 javaCalls.incrementAndGet();
                 return s;
             });
             Runnable chain = Runnable.sequence(prompt, model, parser, count)) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<Integer>> results = new ArrayList<>();
            int perThread = 500;
            for (int t = 0; t < 16; ++t) {
                final int id = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < perThread; ++i) {
                        String out = chain.invoke("{\"role\": \"a pirate\", \"q\": \"question " + id + "-" + i + "\"}");
                        ok += out.equals("\"Arr, Paris it be.\"") ? 1 : 0;
                        if (i % 50 == 0) {
                            try (ChunkStream s = chain.openStream("{\"role\": \"r\", \"q\": \"q\"}")) {
                                ok += s.next().equals("\"Arr, Paris it be.\"") ? 0 : -1000;
                            }
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> r : results) {
                assertEquals(perThread, r.get());
            }
            pool.shutdown();
            assertEquals(16 * (perThread + perThread / 50), javaCalls.get());
        }
    }
}
