using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

namespace Braid.Tests
{
    /// <summary>prompt | model | parser through the binding: invoke, batch, composition, specs, graphs.</summary>
    [TestFixture]
    public class ChainTests
    {
        internal const string Question = "{\"role\": \"a pirate\", \"q\": \"What is the capital of France?\"}";

        internal static Runnable Chain(params string[] answers)
        {
            using (var prompt = ChatPromptTemplate.Create().System("You are {role}.").User("{q}").Build())
            using (var model = FakeChatModel.Of(answers))
            using (var parser = new StrOutputParser())
            {
                return prompt | model | parser; // the chain keeps its steps
            }
        }

        [Test]
        public void InvokeAChain()
        {
            using (var chain = Chain("Arr, Paris it be."))
            {
                Assert.AreEqual("\"Arr, Paris it be.\"", chain.Invoke(Question));
                Assert.AreEqual("\"Arr, Paris it be.\"", chain.Invoke(Question, new RunOptions { ConfigJson = "{\"tags\": [\"t\"]}" }));
            }
            Assert.AreEqual(Library.BindingVersion, Library.Version);
            Assert.AreEqual(1000, Library.VersionNumber);
        }

        [Test]
        public void PipeAndVariables()
        {
            using (var prompt = PromptTemplate.Of("Say {word}"))
            using (var model = FakeChatModel.Of("ok"))
            using (var parser = new StrOutputParser())
            using (var chain = prompt.Pipe(model).Pipe(parser))
            {
                Assert.AreEqual("[\"word\"]", prompt.Variables);
                Assert.AreEqual("\"ok\"", chain.Invoke("{\"word\": \"hi\"}"));
                StringAssert.Contains("\"content\":\"Say hi\"", model.Calls);
                model.Reset();
                StringAssert.Contains("\"call_count\":0", model.Calls);
            }
        }

        [Test]
        public void Batch()
        {
            using (var chain = Chain("Paris."))
            {
                var outputs = chain.Batch(new[] { Question, Question, Question }, new RunOptions { MaxConcurrency = 2 });
                CollectionAssert.AreEqual(new[] { "\"Paris.\"", "\"Paris.\"", "\"Paris.\"" }, outputs);
                Assert.Throws<NotFoundException>(() => chain.Batch(new[] { Question, "{\"role\": \"x\"}" }));
                var results = chain.BatchResults(new[] { Question, "{oops", "{\"role\": \"x\"}" });
                Assert.IsTrue(results[0].Ok);
                Assert.AreEqual("\"Paris.\"", results[0].Output);
                Assert.AreEqual(Status.Parse, results[1].Status);
                Assert.AreEqual(Status.NotFound, results[2].Status);
                Assert.Throws<NotFoundException>(() => results[2].Output.ToString());
            }
        }

        [Test]
        public void Composition()
        {
            using (var upper = Runnable.FromFunction("upper", s => s.ToUpperInvariant()))
            using (var pick = Runnable.Pick("q"))
            using (var loud = pick | upper)
            using (var same = Runnable.Passthrough())
            using (var parallel = Runnable.Parallel(new Dictionary<string, Runnable> { { "loud", loud }, { "same", same } }))
            using (var assign = Runnable.Assign(new Dictionary<string, Runnable> { { "n", pick } }))
            using (var keys = Runnable.PickKeys("q"))
            {
                Assert.AreEqual("{\"loud\":\"HI\",\"same\":{\"q\":\"hi\"}}", parallel.Invoke("{\"q\": \"hi\"}"));
                Assert.AreEqual("{\"q\":\"hi\",\"n\":\"hi\"}", assign.Invoke("{\"q\": \"hi\"}"));
                Assert.AreEqual("{\"q\":1}", keys.Invoke("{\"q\": 1, \"r\": 2}"));
            }
            using (var isText = Runnable.FromFunction("is_text", s => s.StartsWith("\"") ? "true" : "false"))
            using (var text = Runnable.FromFunction("text", s => "\"text\""))
            using (var other = Runnable.FromFunction("other", s => "\"other\""))
            using (var branch = Runnable.Branch(new[] { isText }, new[] { text }, other))
            using (var router = Runnable.Router("topic", new Dictionary<string, Runnable> { { "a", text } }, other))
            using (var strict = Runnable.Router("topic", new Dictionary<string, Runnable> { { "a", text } }, null))
            {
                Assert.AreEqual("\"text\"", branch.Invoke("\"x\""));
                Assert.AreEqual("\"other\"", branch.Invoke("5"));
                Assert.AreEqual("\"text\"", router.Invoke("{\"topic\": \"a\"}"));
                Assert.AreEqual("\"other\"", router.Invoke("{\"topic\": \"b\"}"));
                Assert.Throws<NotFoundException>(() => strict.Invoke("{\"topic\": \"b\"}"));
            }
        }

        [Test]
        public void RetryFallbacksConfigBind()
        {
            int calls = 0;
            using (var flaky = Runnable.FromFunction("flaky", s =>
                   {
                       if (++calls < 3)
                           throw new InvalidOperationException("not yet");
                       return "\"done\"";
                   }))
            using (var retried = flaky.WithRetry(new RetryOptions { MaxAttempts = 3, InitialDelayMilliseconds = 0, MaxDelayMilliseconds = 0, Multiplier = 1, Jitter = false }))
            {
                Assert.AreEqual("\"done\"", retried.Invoke("1"));
                Assert.AreEqual(3, calls);
            }
            using (var failing = FakeChatModel.FromConfig("{\"responses\": [{\"error\": \"tool\", \"message\": \"x\"}]}"))
            using (var backup = FakeChatModel.Of("backup"))
            using (var safe = failing.WithFallbacks(new[] { backup }, Status.Tool))
            using (var unsafeOne = failing.WithFallbacks(new[] { backup }, Status.Parse))
            {
                StringAssert.Contains("backup", safe.Invoke("\"hi\""));
                Assert.Throws<ToolException>(() => unsafeOne.Invoke("\"hi\""));
            }
            using (var model = FakeChatModel.Of("Hello there. General Kenobi."))
            using (var bound = model.Bind("{\"stop\": [\".\"]}"))
            using (var named = bound.WithConfig("{\"run_name\": \"npc\"}"))
            {
                StringAssert.Contains("\"content\":\"Hello there\"", named.Invoke("\"hi\""));
                StringAssert.Contains("\"name\":\"npc\"", string.Join("\n", named.Events("\"hi\"")));
            }
        }

        [Test]
        public void SpecAndGraph()
        {
            using (var exclaim = Runnable.FromFunction("exclaim", s => s.Substring(0, s.Length - 1) + "!\""))
            using (var chain = Runnable.FromSpec("[{\"type\": \"chat_prompt\", \"messages\": [[\"user\", \"{q}\"]]},"
                                                 + " {\"type\": \"fake_chat_model\", \"responses\": [\"Paris\"]},"
                                                 + " {\"type\": \"str_parser\"}, {\"type\": \"ref\", \"name\": \"exclaim\"}]",
                                                 new Dictionary<string, Runnable> { { "exclaim", exclaim } }))
            {
                Assert.AreEqual("\"Paris!\"", chain.Invoke("{\"q\": \"?\"}"));
                StringAssert.StartsWith("graph TD", chain.Graph(GraphFormat.Mermaid));
                StringAssert.Contains("exclaim", chain.Graph(GraphFormat.Ascii));
                StringAssert.Contains("\"stream_mode\":\"buffer\"", chain.Graph(GraphFormat.Json));
                Assert.IsNotEmpty(chain.Name);
            }
            var e = Assert.Throws<InvalidArgumentException>(() => Runnable.FromSpec("{\"type\": \"teleport\"}"));
            StringAssert.Contains("unknown type 'teleport'", e.Message);
        }

        [Test]
        public void ParsersAndMessages()
        {
            using (var json = new JsonOutputParser())
            using (var list = new ListOutputParser(ListStyle.Numbered))
            using (var structured = new StructuredOutputParser("{\"type\": \"object\", \"required\": [\"name\"]}"))
            using (var xml = new XmlOutputParser("[\"a\"]"))
            {
                Assert.AreEqual("{\"a\":1}", json.Invoke(Json.Quote("Here: {\"a\": 1}")));
                Assert.AreEqual("[\"red\",\"green\"]", list.Invoke(Json.Quote("1. red\n2. green")));
                StringAssert.Contains("name", Assert.Throws<ValidationException>(() => structured.Invoke(Json.Quote("{}"))).Message);
                Assert.AreEqual("{\"a\":\"b\"}", xml.Invoke(Json.Quote("<a>b</a>")));
                StringAssert.Contains("JSON", json.FormatInstructions);
            }
            Assert.AreEqual("{\"role\":\"user\",\"content\":\"hi\"}", Messages.Normalize("{\"role\": \"human\", \"content\": \"hi\"}"));
            Assert.AreEqual("Human: hi\nAI: yo", Messages.ToText("[{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"ai\", \"content\": \"yo\"}]"));
            Assert.AreEqual("P: hi", Messages.ToText("[{\"role\": \"user\", \"content\": \"hi\"}]", "P", "N"));
            StringAssert.Contains("\"content\":\"ab\"", Messages.ConcatChunks("[{\"content\": \"a\"}, {\"content\": \"b\"}]"));
            Assert.Throws<ParseException>(() => Messages.Normalize("{\"content\": 1}"));
            Assert.AreEqual("\"a\\\"b\\\\c\\n\\u0001\"", Json.Quote("a\"b\\c\n\u0001"));
        }
    }
}
