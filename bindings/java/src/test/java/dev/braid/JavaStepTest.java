package dev.braid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Java code as steps of a chain: outputs, exceptions, streaming, and braid's own threads calling in. */
class JavaStepTest {
    @Test
    void javaStepInTheMiddleOfAChain() {
        try (ChatPromptTemplate prompt = ChatPromptTemplate.fromMessages("[[\"user\", \"{q}\"]]");
             Runnable lastMessage = Runnable.fromFunction("last_message", messages -> {
                 // a Java step between the prompt and the model: it adds a system message in front
                 return "[{\"role\": \"system\", \"content\": \"Be brief.\"}," + messages.substring(1);
             });
             FakeChatModel model = FakeChatModel.of("Brief answer.");
             StrOutputParser parser = new StrOutputParser();
             Runnable chain = Runnable.sequence(prompt, lastMessage, model, parser)) {
            assertEquals("\"Brief answer.\"", chain.invoke("{\"q\": \"Why?\"}"));
            assertTrue(model.calls().contains("{\"role\":\"system\",\"content\":\"Be brief.\"}"), model.calls());
        }
    }

    @Test
    void javaExceptionsBecomeChainErrors() {
        try (Runnable boom = Runnable.fromFunction("boom", s -> {
                 throw new IllegalStateException("kaboom");
             });
             Runnable head = Runnable.passthrough();
             Runnable chain = head.pipe(boom)) {
            CallbackException e = assertThrows(CallbackException.class, () -> chain.invoke("1"));
            assertEquals(Status.CALLBACK, e.status());
            assertTrue(e.getMessage().contains("callback step 'boom' failed: java.lang.IllegalStateException: kaboom"),
                       e.getMessage());
        }
        try (Runnable picky = Runnable.fromFunction("picky", s -> {
            throw new ValidationException(Status.VALIDATION, "needs a string");
        })) {
            ValidationException e = assertThrows(ValidationException.class, () -> picky.invoke("1"));
            assertTrue(e.getMessage().contains("needs a string"), e.getMessage());
        }
        try (Runnable nothing = Runnable.fromFunction("nothing", s -> null);
             Runnable broken = Runnable.fromFunction("broken", s -> "{not json")) {
            assertTrue(assertThrows(CallbackException.class, () -> nothing.invoke("1")).getMessage().contains("returned null"));
            assertTrue(assertThrows(ParseException.class, () -> broken.invoke("1")).getMessage().contains("invalid JSON"));
        }
        assertThrows(InvalidArgumentException.class, () -> Runnable.fromFunction("x", null));
        assertThrows(InvalidArgumentException.class, () -> Runnable.fromFunction("", s -> s));
    }

    @Test
    void utf8RoundTrip() {
        String text = "h\u00e9llo \ud83d\ude00 \u4e16\u754c";
        try (Runnable echo = Runnable.fromFunction("echo", s -> s)) {
            assertEquals(Json.quote(text), echo.invoke(Json.quote(text)));
        }
    }

    @Test
    void transformStepStreams() {
        try (FakeChatModel model = FakeChatModel.fromConfig("{\"responses\": [\"hi you\"], \"chunking\": \"words\"}");
             StrOutputParser parser = new StrOutputParser();
             Runnable shout = Runnable.fromTransform("shout", chunk -> List.of(chunk.toUpperCase(), "\"!\""));
             Runnable chain = Runnable.sequence(model, parser, shout)) {
            List<String> chunks = new ArrayList<>();
            chain.stream("\"hello\"", chunk -> chunks.add(chunk));
            assertEquals(List.of("\"HI\"", "\"!\"", "\" YOU\"", "\"!\""), chunks);
            assertEquals("\"HI YOU!\"", chain.invoke("\"hello\"")); // invoked: called once, on the whole text
        }
        try (Runnable bad = Runnable.fromTransform("bad", chunk -> null)) {
            assertThrows(CallbackException.class, () -> bad.invoke("1"));
        }
    }

    @Test
    void nativeThreadsCallJavaSteps() throws Exception {
        Set<String> threads = Collections.synchronizedSet(new HashSet<>());
        try (Runnable record = Runnable.fromFunction("record", s -> {
                 threads.add(Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? " (daemon)" : ""));
                 return s;
             })) {
            List<String> inputs = Collections.nCopies(200, "1");
            for (int round = 0; round < 5; ++round) {
                assertEquals(inputs, record.batch(inputs, new RunOptions().maxConcurrency(8)));
            }
        }
        // braid's pool threads were attached as daemons, once each: a bounded set, whatever the rounds
        assertTrue(threads.stream().anyMatch(t -> t.startsWith("braid-native")), threads.toString());
        assertTrue(threads.stream().filter(t -> t.startsWith("braid-native")).allMatch(t -> t.endsWith("(daemon)")));
        assertTrue(threads.size() <= 1 + 64, threads.toString());
        long attached = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("braid-native")).count();
        assertTrue(attached <= 64, "attached threads: " + attached);
    }
}
