package dev.braid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The process-wide log sink: messages of braid's threads in Java, levels, going back to standard error. */
class LogTest {
    // One message as a sink saw it.
    static final class Logged {
        final LogLevel level;
        final String component;
        final String message;
        final String thread;

        Logged(LogLevel level, String component, String message) {
            this.level = level;
            this.component = component;
            this.message = message;
            this.thread = Thread.currentThread().getName();
        }

        @Override
        public String toString() {
            return level + " " + component + ": " + message + " [" + thread + "]";
        }
    }

    static List<Logged> contextMessages(List<Logged> records) {
        synchronized (records) {
            return records.stream().filter(r -> r.component.equals("context")).collect(Collectors.toList());
        }
    }

    static void makeContext(Model model) {
        try (Context ctx = ContextTest.cpu(model)) {
            assertTrue(ctx.info().contains("\"backend\":\"cpu\""));
        }
    }

    @AfterEach
    void backToStandardError() {
        Braid.setLogSink(null, LogLevel.WARNING);
    }

    @Test
    void theSinkReceivesTheContextsMessage() throws Exception {
        List<Logged> records = Collections.synchronizedList(new ArrayList<>());
        LogSink sink = (level, component, message) -> records.add(new Logged(level, component, message));
        WeakReference<LogSink> weak = new WeakReference<>(sink);
        try (Model model = Model.load(ContextTest.stories())) {
            Braid.setLogSink(sink, LogLevel.INFO);
            sink = null;
            assertEquals(LogLevel.INFO, Braid.logLevel());
            makeContext(model);
            List<Logged> messages = contextMessages(records);
            assertEquals(1, messages.size(), records.toString());
            Logged r = messages.get(0);
            assertEquals(LogLevel.INFO, r.level);
            assertTrue(r.message.startsWith("llama context on cpu"), r.message);
            assertTrue(r.message.contains("n_ctx 256"), r.message);
            assertEquals(Thread.currentThread().getName(), r.thread); // logged on the thread that made the context

            // Back to standard error, at the same level: the Java sink hears nothing more, and braid let it go.
            Braid.setLogSink(null, LogLevel.INFO);
            assertEquals(LogLevel.INFO, Braid.logLevel());
            makeContext(model);
            assertEquals(1, contextMessages(records).size(), records.toString());
        }
        for (int i = 0; i < 100 && weak.get() != null; ++i) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(weak.get(), "the replaced sink is still referenced");
        assertThrows(NullPointerException.class, () -> Braid.setLogSink(null, null));
        assertThrows(NullPointerException.class, () -> Braid.setLogLevel(null));
    }

    @Test
    void levelsBelowTheSinksAreNotDelivered() {
        List<Logged> records = Collections.synchronizedList(new ArrayList<>());
        try (Model model = Model.load(ContextTest.stories())) {
            Braid.setLogSink((level, component, message) -> records.add(new Logged(level, component, message)), LogLevel.WARNING);
            assertEquals(LogLevel.WARNING, Braid.logLevel());
            makeContext(model);
            assertEquals(List.of(), contextMessages(records));

            Braid.setLogLevel(LogLevel.INFO); // the same sink, a lower level
            assertEquals(LogLevel.INFO, Braid.logLevel());
            makeContext(model);
            assertEquals(1, contextMessages(records).size(), records.toString());

            Braid.setLogLevel(LogLevel.OFF);
            assertEquals(LogLevel.OFF, Braid.logLevel());
            makeContext(model);
            assertEquals(1, contextMessages(records).size(), records.toString());
        }
    }

    @Test
    void braidsThreadsLogToJavaAndWhatTheSinkThrowsIsDropped() {
        List<Logged> records = Collections.synchronizedList(new ArrayList<>());
        try (Model model = Model.load(ContextTest.stories());
             Runnable contexts = Runnable.fromFunction("contexts", s -> {
                 makeContext(model);
                 return s;
             })) {
            Braid.setLogSink((level, component, message) -> {
                records.add(new Logged(level, component, message));
                throw new IllegalStateException("a sink must not throw; this one is dropped");
            }, LogLevel.INFO);
            List<String> inputs = Collections.nCopies(8, "1");
            assertEquals(inputs, contexts.batch(inputs, new RunOptions().maxConcurrency(4))); // several sinks at once
            assertEquals(8, contextMessages(records).size(), records.toString());
        }
    }
}
