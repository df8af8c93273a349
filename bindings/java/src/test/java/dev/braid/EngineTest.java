package dev.braid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GGUF files, tokenizers and models through the binding. */
class EngineTest {
    static Path data(String name) {
        return Paths.get(System.getProperty("braid.test.data"), name);
    }

    @Test
    void gguf() {
        try (Gguf file = Gguf.open(data("gguf/tiny-llama-gqa-q4_0.extract.gguf"))) {
            assertTrue(file.info().contains("\"version\":3"));
            assertTrue(file.metadata(4).contains("\"general.architecture\":\"llama\""));
            assertEquals("\"llama\"", file.value("general.architecture"));
            assertThrows(NotFoundException.class, () -> file.value("nope"));
            assertTrue(file.tensors().contains("\"name\":\"blk.0.attn_k.weight\""));
        }
        assertThrows(BraidIOException.class, () -> Gguf.open(data("missing.gguf")));
        assertThrows(ModelFormatException.class, () -> Gguf.open(data("gguf/README.md")));
    }

    @Test
    void tokenizer() {
        try (Tokenizer gpt2 = Tokenizer.load(data("vocab/ggml-vocab-gpt-2.gguf"))) {
            assertArrayEquals(new int[] {15496, 995}, gpt2.tokenize("Hello world", false, false));
            assertEquals("Hello world", gpt2.detokenize(new int[] {15496, 995}, false));
            assertArrayEquals(" world".getBytes(StandardCharsets.UTF_8), gpt2.tokenToPiece(995));
            assertEquals(50257, gpt2.vocabSize());
            assertEquals(0, gpt2.tokenize("", false, false).length);
            String text = "h\u00e9llo \ud83d\ude00";
            assertEquals(text, gpt2.detokenize(gpt2.tokenize(text, false, false), false));
            assertThrows(InvalidArgumentException.class, () -> gpt2.detokenize(new int[] {50257}, false));
            assertThrows(InvalidArgumentException.class, () -> gpt2.tokenize(null, false, false));
        }
        try (Tokenizer spm = Tokenizer.load(data("spm/llama2-tokenizer.model"))) {
            assertArrayEquals(new int[] {1, 15043, 3186}, spm.tokenize("Hello world", true, false));
            assertEquals(1, spm.bos());
            assertEquals(2, spm.eos());
            assertTrue(spm.isControl(1));
        }
    }

    @Test
    void model() {
        List<Float> steps = new ArrayList<>();
        Tokenizer tokenizer;
        try (Model model = Model.load(data("vocab/ggml-vocab-llama-spm.gguf"), p -> steps.add(p))) {
            assertTrue(model.info().contains("\"vocab_size\":32000"), model.info());
            assertTrue(model.metadata(2).contains("\"tokenizer.ggml.model\":\"llama\""));
            tokenizer = model.tokenizer();
        }
        try (Tokenizer t = tokenizer) { // outlives the model
            assertArrayEquals(new int[] {15043}, t.tokenize("Hello", false, false));
        }
        assertEquals(1.0f, steps.get(steps.size() - 1));
        assertThrows(CancelledException.class, () -> Model.load(data("vocab/ggml-vocab-llama-spm.gguf"), p -> p < 0.5f));
        RuntimeException boom = new RuntimeException("stop loading");
        assertTrue(boom == assertThrows(RuntimeException.class, () -> Model.load(data("vocab/ggml-vocab-llama-spm.gguf"), p -> {
            throw boom;
        })));
        assertThrows(BraidIOException.class, () -> Model.load(data("none.gguf")));
    }
}
