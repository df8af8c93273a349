package dev.braid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Closing in any order, use after close, nulls, and bad arguments: errors, never crashes. */
class LifetimeTest {
    @Test
    void closeInAnyOrder() {
        PromptTemplate prompt = PromptTemplate.of("Say {word}");
        FakeChatModel model = FakeChatModel.of("ok");
        StrOutputParser parser = new StrOutputParser();
        Runnable head = prompt.pipe(model);
        Runnable chain = head.pipe(parser);
        prompt.close();
        model.close();
        head.close();
        ChunkStream stream = chain.openStream("{\"word\": \"hi\"}");
        chain.close();
        assertEquals("\"still\"", parser.invoke("\"still\""));
        parser.close();
        assertEquals("\"ok\"", stream.next());
        stream.close();
        stream.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> chain.invoke("{}"));
        assertThrows(IllegalStateException.class, () -> prompt.pipe(parser));
    }

    @Test
    void javaStepLivesAsLongAsItsChain() {
        AtomicInteger calls = new AtomicInteger();
        Runnable step = Runnable.fromFunction("count", s -> {
            calls.incrementAndGet();
            return s;
        });
        Runnable retried = step.withRetry(new RetryOptions());
        step.close();
        for (int i = 0; i < 3; ++i) {
            System.gc(); // the function must not be collected while native code holds it
        }
        assertEquals("7", retried.invoke("7"));
        assertEquals(1, calls.get());
        retried.close();
    }

    @Test
    void unclosedHandlesAreCleaned() throws Exception {
        List<java.lang.ref.WeakReference<Runnable>> refs = new ArrayList<>();
        for (int i = 0; i < 100; ++i) {
            refs.add(new java.lang.ref.WeakReference<>(Runnable.fromFunction("leak", s -> s)));
        }
        for (int i = 0; i < 20 && refs.stream().anyMatch(r -> r.get() != null); ++i) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(refs.stream().allMatch(r -> r.get() == null), "the Cleaner frees what was not closed");
    }

    @Test
    void nullsAndGarbage() {
        try (Runnable echo = Runnable.passthrough()) {
            assertThrows(InvalidArgumentException.class, () -> echo.invoke(null));
            assertThrows(ParseException.class, () -> echo.invoke("{oops"));
            assertThrows(ParseException.class, () -> echo.invoke("1", new RunOptions().config("{")));
            assertThrows(InvalidArgumentException.class, () -> echo.invoke("1", new RunOptions().config("{\"x\": 1}")));
            assertThrows(InvalidArgumentException.class, () -> echo.bind("[1]"));
            assertThrows(InvalidArgumentException.class, () -> echo.withConfig(null));
            assertThrows(InvalidArgumentException.class, () -> echo.withRetry(new RetryOptions().maxAttempts(0)));
            assertThrows(InvalidArgumentException.class, () -> echo.withFallbacks());
        }
        assertThrows(InvalidArgumentException.class, () -> Runnable.pick(null));
        assertThrows(InvalidArgumentException.class, () -> Runnable.pick(""));
        assertThrows(InvalidArgumentException.class, () -> Runnable.sequence());
        assertThrows(TemplateException.class, () -> PromptTemplate.of("{unclosed"));
        assertThrows(InvalidArgumentException.class, () -> PromptTemplate.of(null));
        assertThrows(InvalidArgumentException.class, () -> ChatPromptTemplate.fromMessages("[42]"));
        assertThrows(InvalidArgumentException.class, () -> FakeChatModel.fromConfig("[]"));
        assertThrows(InvalidArgumentException.class, () -> new StructuredOutputParser("{\"type\": 3}"));
        assertThrows(InvalidArgumentException.class, () -> new JsonOutputParser(false, 0));
    }

    @Test
    void statusTable() {
        for (Status s : Status.values()) {
            assertEquals(s, Status.of(s.code()));
        }
        assertEquals(Status.INTERNAL, Status.of(12345));
        assertTrue(Status.exception(-2, "m") instanceof ParseException);
        assertTrue(Status.exception(-100, "m") instanceof CallbackException);
        assertTrue(Status.exception(-9, "m") instanceof BraidTimeoutException);
        assertTrue(Status.exception(777, "m").getMessage().contains("777"));
        assertEquals(-13, new NotFoundException(Status.NOT_FOUND, "x").code());
    }
}
