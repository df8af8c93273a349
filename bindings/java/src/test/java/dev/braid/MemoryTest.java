package dev.braid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chat histories, trimming, remembering runnables and model-written memories through the binding. */
class MemoryTest {
    static final String EVERY_KIND = "[{\"role\": \"system\", \"content\": \"You are a blacksmith.\"},"
            + "{\"role\": \"user\", \"content\": \"Fix my sword \\u00e9\", \"name\": \"alice\"},"
            + "{\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"id\": \"c1\", \"type\": \"function\","
            + " \"function\": {\"name\": \"inventory\", \"arguments\": {\"item\": \"sword\"}}}]},"
            + "{\"role\": \"tool\", \"content\": \"1 sword\", \"tool_call_id\": \"c1\"},"
            + "{\"role\": \"assistant\", \"content\": \"Come back at dawn.\"}]";

    @Test
    void everyStoreRoundTripsEveryKindOfMessage(@TempDir Path dir) {
        String expected = Messages.normalize(EVERY_KIND);
        ChatHistory[] stores = {ChatHistory.inMemory(), ChatHistory.file(dir.resolve("chat.jsonl").toString()),
                                ChatHistory.sqlite(dir.resolve("chat.db").toString(), "npc:smith")};
        for (ChatHistory history : stores) {
            try (history) {
                assertEquals("[]", history.messages());
                history.addMessages(EVERY_KIND);
                assertEquals(expected, history.messages());
                history.clear();
                assertEquals("[]", history.messages());
            }
        }
        try (ChatHistory a = ChatHistory.sqlite(dir.resolve("chat.db").toString(), "s")) {
            a.addMessages("{\"role\": \"user\", \"content\": \"kept\"}");
        }
        try (ChatHistory b = ChatHistory.sqlite(dir.resolve("chat.db").toString(), "s")) {
            assertEquals("[{\"role\":\"user\",\"content\":\"kept\"}]", b.messages());
        }
    }

    @Test
    void badInputIsAClearError() {
        ChatHistory history = ChatHistory.inMemory();
        ParseException parse = assertThrows(ParseException.class, () -> history.addMessages("[{"));
        assertTrue(parse.getMessage().contains("messages_json"), parse.getMessage());
        assertThrows(InvalidArgumentException.class, () -> history.addMessages("7"));
        history.close();
        assertThrows(IllegalStateException.class, history::messages);
        assertThrows(InvalidArgumentException.class, () -> ChatHistory.sqlite("x.db", ""));
        assertThrows(InvalidArgumentException.class, () -> ChatHistory.file(null));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> Memory.trimMessages("[]", "{\"max_tokens\": 1, \"strategy\": \"middle\"}"));
        assertTrue(e.getMessage().contains("strategy"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Memory.lastTurns("[]", -1, true));
        assertThrows(InvalidArgumentException.class, () -> Memory.withMessageHistory(null, "{\"type\": \"memory\"}", null));
    }

    @Test
    void trimAndLastTurns() {
        String conversation = "[{\"role\": \"system\", \"content\": \"sys\"}, {\"role\": \"user\", \"content\": \"first\"},"
                + "{\"role\": \"assistant\", \"content\": \"one\"}, {\"role\": \"user\", \"content\": \"second\"},"
                + "{\"role\": \"assistant\", \"content\": \"two\"}]";
        assertEquals("[{\"role\":\"system\",\"content\":\"sys\"},{\"role\":\"user\",\"content\":\"second\"},"
                        + "{\"role\":\"assistant\",\"content\":\"two\"}]",
                Memory.trimMessages(conversation, "{\"max_tokens\": 16, \"include_system\": true}"));
        assertEquals("[{\"role\":\"user\",\"content\":\"second\"},{\"role\":\"assistant\",\"content\":\"two\"}]",
                Memory.lastTurns(conversation, 1, false));
        // GPT-2 counts "understanding" x4 as far fewer tokens than the approximate 18
        String words = "[{\"role\": \"user\", \"content\": \"understanding understanding understanding understanding\"}]";
        try (Tokenizer gpt2 = Tokenizer.load(Paths.get(System.getProperty("braid.test.data"), "vocab", "ggml-vocab-gpt-2.gguf"))) {
            assertEquals(Messages.normalize(words), Memory.trimMessages(words, "{\"max_tokens\": 12}", gpt2));
        }
        assertEquals("[]", Memory.trimMessages(words, "{\"max_tokens\": 12}"));
    }

    @Test
    void aRunnableRemembersItsSessions(@TempDir Path dir) {
        String store = "{\"type\": \"sqlite\", \"path\": " + Json.quote(dir.resolve("npc.db").toString()) + "}";
        try (ChatPromptTemplate prompt = ChatPromptTemplate.fromMessages(
                     "[[\"system\", \"You are a blacksmith.\"], {\"placeholder\": \"history\"}, [\"user\", \"{question}\"]]");
             FakeChatModel model = FakeChatModel.of("Aye.", "You asked about a sword.");
             Runnable chain = prompt.pipe(model);
             Runnable npc = Memory.withMessageHistory(chain, store, "{\"input_messages_key\": \"question\"}")) {
            RunOptions session = new RunOptions().config("{\"configurable\": {\"session_id\": \"player\"}}");
            npc.invoke("{\"question\": \"Can you fix my sword?\"}", session);
            npc.invoke("{\"question\": \"What did I ask?\"}", session);
            assertTrue(model.calls().contains("{\"role\":\"user\",\"content\":\"Can you fix my sword?\"},"
                    + "{\"role\":\"assistant\",\"content\":\"Aye.\"},{\"role\":\"user\",\"content\":\"What did I ask?\"}"),
                    model.calls());
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> npc.invoke("{\"question\": \"?\"}"));
            assertTrue(e.getMessage().contains("session_id"), e.getMessage());
        }
        try (ChatHistory history = ChatHistory.sqlite(dir.resolve("npc.db").toString(), "player")) {
            assertTrue(history.messages().endsWith("{\"role\":\"assistant\",\"content\":\"You asked about a sword.\"}]"));
        }
    }

    @Test
    void summaryBufferAndEntityMemories(@TempDir Path dir) {
        String db = dir.resolve("m.db").toString();
        String store = "{\"type\": \"sqlite\", \"path\": " + Json.quote(db) + ", \"session_id\": \"npc\"}";
        try (FakeChatModel model = FakeChatModel.of("The player wants a sword.");
             ChatHistory history = ChatHistory.sqlite(db, "npc");
             SummaryMemory summary = SummaryMemory.create(model, history, store, null)) {
            history.addMessages("[{\"role\": \"user\", \"content\": \"A sword!\"}, {\"role\": \"assistant\", \"content\": \"Aye.\"}]");
            assertEquals("The player wants a sword.", summary.update());
            assertEquals(2, summary.covered());
            assertEquals("The player wants a sword.", summary.update()); // nothing new: no call
            assertTrue(model.calls().contains("\"call_count\":1"));
        }
        try (FakeChatModel model = FakeChatModel.of("Old talk.");
             ChatHistory history = ChatHistory.inMemory();
             SummaryBufferMemory buffer = SummaryBufferMemory.create(model, history, "{\"type\": \"memory\"}",
                     "{\"max_token_limit\": 12, \"summary_prefix\": \"Earlier: \"}")) {
            history.addMessages("[{\"role\": \"user\", \"content\": \"I want a long sword\"}, {\"role\": \"assistant\", \"content\": \"Ten gold\"}]");
            assertEquals("Old talk.", buffer.prune());
            assertEquals("[{\"role\":\"system\",\"content\":\"Earlier: Old talk.\"},{\"role\":\"assistant\",\"content\":\"Ten gold\"}]",
                    buffer.messages());
            assertEquals("Old talk.", buffer.summary());
        }
        try (FakeChatModel model = FakeChatModel.of("Mira", "Mira is the smith's daughter.");
             ChatHistory history = ChatHistory.inMemory();
             EntityMemory entities = EntityMemory.create(model, history, "{\"type\": \"memory\"}", null)) {
            String known = entities.recall("Mira came by.");
            assertEquals("{\"Mira\":\"\"}", known);
            entities.remember(known, "Mira came by.");
            assertEquals("{\"Mira\":\"Mira is the smith's daughter.\"}", entities.facts());
        }
    }
}
