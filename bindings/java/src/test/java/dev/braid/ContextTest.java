package dev.braid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Contexts (generation, streaming, cancellation, embeddings), metadata-only models and chat templates. */
class ContextTest {
    // What llama.cpp's greedy continuation of "Once upon a time" starts with on stories260K.
    static final String STORY = ", there was a little girl named Lily. She";
    static final String CHATML = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
        + "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

    static Path stories() {
        return EngineTest.data("models/stories260K.gguf"); // a real trained TinyStories llama
    }

    static Path bert() {
        return EngineTest.data("models/tiny-bert-f16.gguf"); // random-weight bert, mean pooling
    }

    // stories260K with tests/data/capi/chat_template.jinja (made by the ctest fixture capi.make_chat_model)
    static Path chatModel() {
        return Paths.get(System.getProperty("braid.test.chat_model"));
    }

    static Context cpu(Model model) {
        return model.newContext(new ContextOptions().backend(Backend.CPU).nCtx(256));
    }

    static GenerateOptions greedy(int maxTokens) {
        return new GenerateOptions().maxTokens(maxTokens).temperature(0);
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    void greedyGenerationStreamsItsText() {
        List<String> pieces = new ArrayList<>();
        try (Model model = Model.load(stories()); Context ctx = cpu(model)) {
            GenerateResult r = ctx.generate("Once upon a time", greedy(12), piece -> pieces.add(piece));
            assertEquals(STORY, r.text());
            assertEquals(STORY, String.join("", pieces)); // the streamed pieces add up to the text
            assertTrue(pieces.size() >= 2, pieces.toString());
            assertEquals(12, r.tokens().length);
            assertEquals(StopReason.LENGTH, r.stopReason());
            assertEquals(5, r.promptTokens());
            assertTrue(r.promptMs() >= 0 && r.generateMs() >= 0, r.json());
            assertTrue(r.json().startsWith("{\"text\":\"" + STORY + "\",\"tokens\":["), r.json());

            GenerateResult again = ctx.generate("Once upon a time", greedy(12)); // no listener
            assertEquals(STORY, again.text());
            assertArrayEquals(r.tokens(), again.tokens());
            assertTrue(ctx.generate("Once").stopReason() != null); // the defaults: sampled, 256 tokens

            String info = ctx.info();
            assertTrue(info.startsWith("{\"backend\":\"cpu\",\"device\":\"cpu"), info);
            assertTrue(info.contains("\"n_ctx\":256,"), info);
            assertTrue(info.contains("\"embedding\":false}"), info);
        }
    }

    @Test
    void stopStringsAndContinue() {
        StringBuilder streamed = new StringBuilder();
        try (Model model = Model.load(stories()); Context ctx = cpu(model)) {
            GenerateResult r = ctx.generate("Once upon a time", greedy(30).stop("named"), piece -> {
                streamed.append(piece);
                return true;
            });
            assertEquals(", there was a little girl ", r.text());
            assertEquals(StopReason.STOP_STRING, r.stopReason());
            assertEquals(r.text(), streamed.toString()); // no part of the stop string was streamed
            assertEquals(StopReason.STOP_STRING,
                         ctx.generate("Once upon a time", greedy(30).stop(Arrays.asList("xyz", "named"))).stopReason());

            // Continue the sequence: the cache keeps "Once upon a time, there was a little girl named".
            assertFalse(ctx.info().contains("\"n_used\":0"));
            GenerateResult more = ctx.generate(" Lily.", greedy(4).continueSequence(true));
            assertTrue(more.text().startsWith(" She"), more.text());
            ctx.clear();
            assertTrue(ctx.info().contains("\"n_used\":0"), ctx.info());
        }
    }

    @Test
    void seededSamplingIsDeterministic() {
        try (Model model = Model.load(stories()); Context ctx = cpu(model)) {
            GenerateOptions o = new GenerateOptions().maxTokens(24).temperature(1).topK(0).topP(1).minP(0).seed(1234);
            GenerateResult a = ctx.generate("Once upon a time", o);
            GenerateResult b = ctx.generate("Once upon a time", o);
            assertEquals(a.text(), b.text());
            assertArrayEquals(a.tokens(), b.tokens());
            GenerateResult c = ctx.generate("Once upon a time", o.seed(99));
            assertFalse(Arrays.equals(a.tokens(), c.tokens()));
            assertTrue(ctx.generate("Once", o.seed(-1L)).tokens().length > 0); // an unsigned 64-bit seed
        }
    }

    @Test
    void theListenerStopsTheGeneration() {
        List<String> pieces = new ArrayList<>();
        try (Model model = Model.load(stories()); Context ctx = cpu(model)) {
            assertThrows(CancelledException.class, () -> ctx.generate("Once upon a time", greedy(40), piece -> {
                pieces.add(piece);
                return pieces.size() < 3;
            }));
            assertEquals(3, pieces.size());
            assertTrue(String.join("", pieces).startsWith(", there")); // what was delivered stays delivered
            assertEquals(STORY, ctx.generate("Once upon a time", greedy(12)).text()); // still usable
        }
    }

    @Test
    void whatTheListenerThrowsPropagates() {
        try (Model model = Model.load(stories()); Context ctx = cpu(model)) {
            RuntimeException boom = new IllegalStateException("stop generating");
            assertSame(boom, assertThrows(IllegalStateException.class, () -> ctx.generate("Once", greedy(8), piece -> {
                throw boom;
            })));
            IOException checked = new IOException("checked");
            assertSame(checked, assertThrows(IOException.class, () -> ctx.generate("Once", greedy(8), piece -> {
                throw checked;
            })));
            // Using the context from its own listener is turned away (one caller at a time).
            InvalidArgumentException busy = assertThrows(InvalidArgumentException.class,
                () -> ctx.generate("Once", greedy(8), piece -> {
                    ctx.clear();
                    return true;
                }));
            assertTrue(busy.getMessage().contains("context is in use"), busy.getMessage());
            assertEquals(STORY, ctx.generate("Once upon a time", greedy(12)).text());
        }
    }

    @Test
    void embeddings() {
        try (Model model = Model.load(bert()); Context ctx = cpu(model)) {
            assertTrue(model.info().contains("\"has_weights\":true,\"embedding\":true"), model.info());
            assertTrue(ctx.info().contains("\"embedding\":true"), ctx.info());
            float[] unit = ctx.embed("Hello world");
            assertEquals(128, unit.length);
            assertEquals(1.0, norm(unit), 1e-5);
            float[] raw = ctx.embed("Hello world", false);
            assertEquals(128, raw.length);
            double n = norm(raw);
            assertTrue(n > 0 && Math.abs(n - 1.0) > 1e-3, "norm " + n);
            for (int i = 0; i < raw.length; ++i) {
                assertEquals(unit[i], raw[i] / n, 1e-5);
            }
            assertArrayEquals(unit, ctx.embed("Hello world", true)); // deterministic
            assertFalse(Arrays.equals(unit, ctx.embed("Something else entirely")));
            assertThrows(UnsupportedException.class, () -> ctx.generate("Hello")); // embedding models do not generate
            assertThrows(InvalidArgumentException.class, () -> ctx.embed(null));
        }
        try (Model model = Model.load(stories()); Context ctx = cpu(model)) {
            assertThrows(UnsupportedException.class, () -> ctx.embed("Hello")); // text models do not embed
        }
    }

    @Test
    void errors() {
        try (Model model = Model.loadMetadataOnly(stories())) {
            assertTrue(model.info().contains("\"has_weights\":false"), model.info());
            UnsupportedException e = assertThrows(UnsupportedException.class, model::newContext);
            assertTrue(e.getMessage().contains("was loaded without weights"), e.getMessage());
            try (Tokenizer t = model.tokenizer()) { // the metadata and the tokenizer are there
                assertTrue(t.vocabSize() > 0);
            }
        }
        try (Model vocab = Model.load(EngineTest.data("vocab/ggml-vocab-llama-spm.gguf"))) {
            assertThrows(UnsupportedException.class, vocab::newContext);
        }
        try (Model model = Model.load(stories())) {
            assertThrows(InvalidArgumentException.class, () -> model.newContext(new ContextOptions().nCtx(-1)));
            InvalidArgumentException big = assertThrows(InvalidArgumentException.class,
                () -> model.newContext(new ContextOptions().backend(Backend.CPU).nCtx(1 << 30)));
            assertTrue(big.getMessage().contains("n_ctx 1073741824 is larger than"), big.getMessage());
            assertThrows(NullPointerException.class, () -> new ContextOptions().backend(null));
            try (Context ctx = cpu(model)) {
                InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> ctx.generate("Once", new GenerateOptions().maxTokens(-1)));
                assertTrue(e.getMessage().contains("options->max_tokens is -1"), e.getMessage());
                assertThrows(InvalidArgumentException.class, () -> ctx.generate("Once", new GenerateOptions().topP(2)));
                assertThrows(InvalidArgumentException.class,
                    () -> ctx.generate("Once", new GenerateOptions().temperature(Float.NaN)));
                assertThrows(InvalidArgumentException.class, () -> ctx.generate("Once", greedy(4).stop("a", null)));
                assertThrows(InvalidArgumentException.class, () -> ctx.generate("Once", greedy(4).stop("")));
                assertThrows(InvalidArgumentException.class, () -> ctx.generate(null));
                StringBuilder longPrompt = new StringBuilder();
                for (int i = 0; i < 300; ++i) {
                    longPrompt.append("Lily ran. ");
                }
                assertThrows(BraidOutOfMemoryException.class, () -> ctx.generate(longPrompt.toString()));
                assertEquals(STORY, ctx.generate("Once upon a time", greedy(12)).text()); // still usable
            }
        }
    }

    @Test
    void chatTemplates() {
        assertEquals("<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n",
                     ChatTemplate.render(CHATML, "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi!\"}],"
                                                 + " \"add_generation_prompt\": true}"));
        assertEquals("x", ChatTemplate.render("{{ bos_token }}x", null)); // undefined prints ""
        ParseException syntax = assertThrows(ParseException.class, () -> ChatTemplate.render("line one\n{% if %}", null));
        assertTrue(syntax.getMessage().contains("line 2, column"), syntax.getMessage());
        TemplateException raised = assertThrows(TemplateException.class,
            () -> ChatTemplate.render("{{ raise_exception('no system role') }}", null));
        assertTrue(raised.getMessage().contains("no system role"), raised.getMessage());
        assertThrows(ParseException.class, () -> ChatTemplate.render(CHATML, "{\"messages\": ["));
        assertThrows(InvalidArgumentException.class, () -> ChatTemplate.render(CHATML, "[1, 2]"));
        assertThrows(InvalidArgumentException.class, () -> ChatTemplate.render(null, null));

        try (Model model = Model.load(stories())) { // no template
            assertEquals(Optional.empty(), model.chatTemplate());
            NotFoundException none = assertThrows(NotFoundException.class,
                () -> model.applyChatTemplate("{\"messages\": []}"));
            assertTrue(none.getMessage().contains("has no chat template"), none.getMessage());
        }
        try (Model model = Model.load(chatModel())) {
            assertTrue(model.info().contains("\"has_chat_template\":true"), model.info());
            assertTrue(model.chatTemplate().get().contains("{{ bos_token }}{% for m in messages %}"));
            assertEquals("<s><|im_start|>user\nHi<|im_end|>\n",
                         model.applyChatTemplate("{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}"));
            assertEquals("B[tools]", model.applyChatTemplate("{\"messages\": [], \"tools\": [], \"bos_token\": \"B\"}"));
            String prompt = model.applyChatTemplate(
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Once upon a time\"}], \"add_generation_prompt\": true}");
            assertEquals("<s><|im_start|>user\nOnce upon a time<|im_end|>\n<|im_start|>assistant\n", prompt);
            try (Context ctx = cpu(model)) {
                GenerateResult r = ctx.generate(prompt, greedy(4).parseSpecial(true));
                assertTrue(r.tokens().length > 0 && r.tokens().length <= 4, r.json());
                GenerateResult plain = ctx.generate(prompt, greedy(4));
                assertNotEquals(r.promptTokens(), plain.promptTokens()); // control tokens parsed, or not
            }
        }
        try (Model metadataOnly = Model.loadMetadataOnly(chatModel())) { // templates need no weights
            assertTrue(metadataOnly.chatTemplate().isPresent());
        }
    }

    @Test
    void closeInAnyOrder() {
        Model model = Model.load(stories());
        Context first = cpu(model);
        Context second = cpu(model);
        model.close(); // the contexts keep it alive
        assertThrows(IllegalStateException.class, model::newContext);
        assertThrows(IllegalStateException.class, model::info);
        assertEquals(STORY, first.generate("Once upon a time", greedy(12)).text());
        first.close();
        first.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> first.generate("Once"));
        assertThrows(IllegalStateException.class, first::info);
        assertEquals(STORY, second.generate("Once upon a time", greedy(12)).text());
        second.close();

        Model m = Model.load(bert());
        Context ctx = Context.create(m, null); // default options
        m.close();
        assertEquals(128, ctx.embed("Hello").length);
        ctx.close();
        assertThrows(NullPointerException.class, () -> Context.create(null, null));
    }
}
