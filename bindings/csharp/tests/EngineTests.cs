using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using NUnit.Framework;

namespace Braid.Tests
{
    /// <summary>GGUF files, tokenizers and models through the binding.</summary>
    [TestFixture]
    public class EngineTests
    {
        static string Data(string name)
        {
            return Path.Combine(Environment.GetEnvironmentVariable("BRAID_TEST_DATA") ?? "tests/data", name);
        }

        [Test]
        public void GgufFile()
        {
            using (var file = Gguf.Open(Data("gguf/tiny-llama-gqa-q4_0.extract.gguf")))
            {
                StringAssert.Contains("\"version\":3", file.Info);
                StringAssert.Contains("\"general.architecture\":\"llama\"", file.Metadata(4));
                Assert.AreEqual("\"llama\"", file.Value("general.architecture"));
                Assert.Throws<NotFoundException>(() => file.Value("nope"));
                StringAssert.Contains("\"name\":\"blk.0.attn_k.weight\"", file.Tensors);
            }
            Assert.Throws<BraidIOException>(() => Gguf.Open(Data("missing.gguf")));
            Assert.Throws<ModelFormatException>(() => Gguf.Open(Data("gguf/README.md")));
        }

        [Test]
        public void TokenizerRoundTrip()
        {
            using (var gpt2 = Tokenizer.Load(Data("vocab/ggml-vocab-gpt-2.gguf")))
            {
                CollectionAssert.AreEqual(new[] { 15496, 995 }, gpt2.Tokenize("Hello world"));
                Assert.AreEqual("Hello world", gpt2.Detokenize(new[] { 15496, 995 }));
                CollectionAssert.AreEqual(Encoding.UTF8.GetBytes(" world"), gpt2.TokenToPiece(995));
                Assert.AreEqual(50257, gpt2.VocabSize);
                Assert.AreEqual(0, gpt2.Tokenize("").Length);
                string text = "h\u00e9llo \ud83d\ude00";
                Assert.AreEqual(text, gpt2.Detokenize(gpt2.Tokenize(text)));
                Assert.Throws<InvalidArgumentException>(() => gpt2.Detokenize(new[] { 50257 }));
                Assert.Throws<InvalidArgumentException>(() => gpt2.Tokenize(null));
            }
            using (var spm = Tokenizer.Load(Data("spm/llama2-tokenizer.model")))
            {
                CollectionAssert.AreEqual(new[] { 1, 15043, 3186 }, spm.Tokenize("Hello world", true));
                Assert.AreEqual(1, spm.Bos);
                Assert.AreEqual(2, spm.Eos);
                Assert.IsTrue(spm.IsControl(1));
            }
        }

        [Test]
        public void ModelAndProgress()
        {
            var steps = new List<float>();
            Tokenizer tokenizer;
            using (var model = Model.Load(Data("vocab/ggml-vocab-llama-spm.gguf"), p => { steps.Add(p); return true; }))
            {
                StringAssert.Contains("\"vocab_size\":32000", model.Info);
                StringAssert.Contains("\"tokenizer.ggml.model\":\"llama\"", model.Metadata(2));
                tokenizer = model.Tokenizer();
            }
            using (tokenizer) // keeps the model alive
                CollectionAssert.AreEqual(new[] { 15043 }, tokenizer.Tokenize("Hello"));
            Assert.AreEqual(1.0f, steps[steps.Count - 1]);
            Assert.Throws<CancelledException>(() => Model.Load(Data("vocab/ggml-vocab-llama-spm.gguf"), p => p < 0.5f));
            var boom = new InvalidOperationException("stop loading");
            Assert.AreSame(boom, Assert.Throws<InvalidOperationException>(() => Model.Load(Data("vocab/ggml-vocab-llama-spm.gguf"), p => { throw boom; })));
            Assert.Throws<BraidIOException>(() => Model.Load(Data("none.gguf")));
        }
    }
}
