package dev.braid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Local chat models and embedders, grammars and the tool-call parser through the Java binding. */
class LocalModelsTest {
    // The messages' text alone: the prompt of "Once upon a time" is that text, as a Context would see it.
    static final String BARE_TEMPLATE = "{% for m in messages %}{{ m.content }}{% endfor %}";

    static LocalChatModelOptions greedy(int maxTokens) {
        return new LocalChatModelOptions().backend(Backend.CPU).threads(2).nSeqMax(2).nCtx(512)
            .chatTemplate(BARE_TEMPLATE).defaults("{\"temperature\": 0, \"max_tokens\": " + maxTokens + "}");
    }

    @SuppressWarnings("unchecked")
    static String content(String messageJson) {
        return (String) ((Map<String, Object>) JsonReader.parse(messageJson)).get("content");
    }

    @Test
    void invokeEqualsTheEnginesGreedyText() {
        try (Model model = Model.load(ContextTest.stories());
             LocalChatModel chat = LocalChatModel.create(model, greedy(16).name("stories"));
             Context ctx = ContextTest.cpu(model)) {
            String answer = chat.invoke("\"Once upon a time\"");
            String expected = ctx.generate("Once upon a time", ContextTest.greedy(16)).text();
            assertEquals(expected, content(answer));
            assertTrue(content(answer).startsWith(ContextTest.STORY), answer);
            assertTrue(answer.contains("\"finish_reason\""), answer);
            assertEquals("stories", chat.name());
        }
    }

    @Test
    void streamsChunksThatAddUpToTheAnswer() {
        try (Model model = Model.load(ContextTest.stories());
             LocalChatModel chat = LocalChatModel.create(model, greedy(12))) {
            String answer = content(chat.invoke("\"Once upon a time\""));
            List<String> chunks = new ArrayList<>();
            chat.stream("\"Once upon a time\"", chunk -> chunks.add(chunk));
            assertTrue(chunks.size() >= 2, chunks.toString()); // the text (a slow consumer gets pieces together), then the last chunk
            StringBuilder text = new StringBuilder();
            for (String c : chunks) {
                assertTrue(c.startsWith("{"), c);
                String piece = content(c);
                text.append(piece == null ? "" : piece);
            }
            assertEquals(answer, text.toString());
            assertTrue(chunks.get(0).contains("\"role\":\"assistant\""), chunks.get(0));
            assertTrue(chunks.get(chunks.size() - 1).contains("\"finish_reason\""), chunks.toString());
        }
    }

    @Test
    void aCancelledTokenStopsTheRun() {
        try (Model model = Model.load(ContextTest.stories());
             LocalChatModel chat = LocalChatModel.create(model, greedy(64));
             CancelToken token = new CancelToken()) {
            token.cancel();
            assertThrows(CancelledException.class, () -> chat.invoke("\"Once upon a time\"", new RunOptions().cancel(token)));
            assertFalse(content(chat.invoke("\"Once upon a time\"")).isEmpty()); // still usable
        }
    }

    @Test
    void sessionsSkipThePrefill() throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("braid_java_session");
        String path = dir.resolve("story.session").toString();
        String conversation = "\"Once upon a time, there was a little girl named Lily\"";
        try (Model model = Model.load(ContextTest.stories())) {
            long saved;
            try (LocalChatModel chat = LocalChatModel.create(model, greedy(8))) {
                saved = chat.saveSession(conversation, path, null);
            }
            assertTrue(saved > 5);
            try (LocalChatModel fresh = LocalChatModel.create(model, greedy(8))) {
                assertEquals(saved, fresh.loadSession(path));
                assertFalse(fresh.invoke(conversation).contains("\"prompt_tokens_cached\":0"));
                assertThrows(BraidIOException.class, () -> fresh.loadSession(path + ".missing"));
            }
        } finally {
            java.nio.file.Files.deleteIfExists(java.nio.file.Paths.get(path));
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    @Test
    void badOptionsAreNamed() {
        try (Model model = Model.load(ContextTest.stories())) {
            ParseException e = assertThrows(ParseException.class,
                () -> LocalChatModel.create(model, new LocalChatModelOptions().defaults("{\"temperature\": ")));
            assertTrue(e.getMessage().contains("options->defaults_json"), e.getMessage());
            assertThrows(InvalidArgumentException.class, () -> LocalChatModel.create(model, new LocalChatModelOptions().threads(-1)));
            try (LocalEmbeddings decoder = LocalEmbeddings.create(model, null)) { // a decoder embeds too (mean pooling)
                assertEquals(64, decoder.dimension());
            }
            InvalidArgumentException format = assertThrows(InvalidArgumentException.class,
                () -> LocalChatModel.create(model, new LocalChatModelOptions().toolCallFormat("nonsense")));
            assertTrue(format.getMessage().contains("hermes"), format.getMessage());
        }
    }

    static float[][] decoderVectors(Model model, EmbeddingsPooling pooling) {
        LocalEmbeddingsOptions options = new LocalEmbeddingsOptions().backend(Backend.CPU).threads(2).pooling(pooling);
        try (LocalEmbeddings emb = LocalEmbeddings.create(model, options)) {
            return emb.embed(Arrays.asList("Once upon a time", "Tom had a big red ball."));
        }
    }

    static double largestDifference(float[][] a, float[][] b) {
        double worst = 0;
        for (int i = 0; i < a.length; ++i)
            for (int j = 0; j < a[i].length; ++j)
                worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
        return worst;
    }

    @Test
    void decoderPoolingIsChosen() {
        try (Model model = Model.load(ContextTest.stories())) {
            float[][] byDefault = decoderVectors(model, EmbeddingsPooling.DEFAULT);
            float[][] byMean = decoderVectors(model, EmbeddingsPooling.MEAN);
            float[][] byLast = decoderVectors(model, EmbeddingsPooling.LAST);
            float[][] byFirst = decoderVectors(model, EmbeddingsPooling.CLS);
            assertEquals(0.0, largestDifference(byDefault, byMean), 1e-6); // stories260K has no pooling_type: mean
            assertTrue(largestDifference(byLast, byMean) > 1e-2);
            assertTrue(largestDifference(byFirst, byLast) > 1e-2);
            assertTrue(largestDifference(byFirst, byMean) > 1e-2);
        }
        assertThrows(NullPointerException.class, () -> new LocalEmbeddingsOptions().pooling(null));
    }

    @Test
    void embeddingsEqualTheContexts() {
        try (Model model = Model.load(ContextTest.bert());
             LocalEmbeddings emb = LocalEmbeddings.create(model, new LocalEmbeddingsOptions().backend(Backend.CPU).threads(2));
             Context ctx = ContextTest.cpu(model)) {
            int dim = emb.dimension();
            assertTrue(dim > 0);
            List<String> texts = Arrays.asList("a cat sat on the mat", "stock markets fell today");
            float[][] vectors = emb.embed(texts);
            assertEquals(2, vectors.length);
            for (int i = 0; i < 2; ++i) {
                assertEquals(dim, vectors[i].length);
                assertArrayEquals(ctx.embed(texts.get(i)), vectors[i], 1e-4f);
                assertEquals(1.0, ContextTest.norm(vectors[i]), 1e-4);
            }
            assertArrayEquals(vectors[0], emb.embed("a cat sat on the mat"), 1e-4f);
            try (Runnable r = emb.asRunnable()) {
                assertTrue(r.invoke("[\"one\", \"two\"]").startsWith("[["));
            }
            try (CancelToken token = new CancelToken()) {
                token.cancel();
                assertThrows(CancelledException.class, () -> emb.embed(texts, new RunOptions().cancel(token)));
            }
        }
    }

    @Test
    void grammarsAndToolCalls() {
        try (Grammar g = Grammar.compileGbnf("root ::= (\"yes\" | \"no\") \"!\"*")) {
            assertTrue(g.accepts("yes!!"));
            assertFalse(g.accepts("maybe"));
            assertTrue(g.source().startsWith("root ::="));
        }
        assertThrows(ParseException.class, () -> Grammar.compileGbnf("root ::= (\"a\""));
        String schema = "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\"}}, \"required\": [\"n\"]}";
        try (Grammar g = Grammar.fromJsonSchema(schema)) {
            assertTrue(g.accepts("{\"n\": 42}"));
            assertFalse(g.accepts("{\"n\": \"x\"}"));
        }
        try (Grammar g = Grammar.fromJsonSchema(schema, Grammar.FLEXIBLE_WHITESPACE, 0)) {
            assertTrue(g.accepts("{\n  \"n\": 1\n}"));
        }
        assertThrows(UnsupportedException.class, () -> Grammar.fromJsonSchema("{\"not\": {\"multipleOf\": 3}}"));
        String message = ToolCalls.parse("hermes",
            "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}</tool_call>", null);
        assertTrue(message.contains("\"get_weather\""), message);
        assertTrue(message.contains("\"Paris\""), message);
        assertThrows(InvalidArgumentException.class, () -> ToolCalls.parse("nonsense", "text", null));
    }
}
