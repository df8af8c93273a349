using System;
using System.IO;
using NUnit.Framework;

namespace Braid.Tests
{
    /// <summary>Chat histories, trimming, remembering runnables and model-written memories through the binding.</summary>
    [TestFixture]
    public class MemoryTests
    {
        const string EveryKind = "[{\"role\": \"system\", \"content\": \"You are a blacksmith.\"},"
            + "{\"role\": \"user\", \"content\": \"Fix my sword \\u00e9\", \"name\": \"alice\"},"
            + "{\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"id\": \"c1\", \"type\": \"function\","
            + " \"function\": {\"name\": \"inventory\", \"arguments\": {\"item\": \"sword\"}}}]},"
            + "{\"role\": \"tool\", \"content\": \"1 sword\", \"tool_call_id\": \"c1\"},"
            + "{\"role\": \"assistant\", \"content\": \"Come back at dawn.\"}]";

        string dir;

        [SetUp]
        public void MakeDirectory()
        {
            dir = Path.Combine(Path.GetTempPath(), "braid_cs_memory_" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
        }

        [TearDown]
        public void RemoveDirectory()
        {
            Directory.Delete(dir, true);
        }

        [Test]
        public void EveryStoreRoundTripsEveryKindOfMessage()
        {
            string expected = Messages.Normalize(EveryKind);
            ChatHistory[] stores = { ChatHistory.InMemory(), ChatHistory.File(Path.Combine(dir, "chat.jsonl")),
                                     ChatHistory.Sqlite(Path.Combine(dir, "chat.db"), "npc:smith") };
            foreach (ChatHistory history in stores)
            {
                using (history)
                {
                    Assert.AreEqual("[]", history.Messages);
                    history.AddMessages(EveryKind);
                    Assert.AreEqual(expected, history.Messages);
                    history.Clear();
                    Assert.AreEqual("[]", history.Messages);
                }
            }
            using (var a = ChatHistory.Sqlite(Path.Combine(dir, "chat.db"), "s"))
                a.AddMessages("{\"role\": \"user\", \"content\": \"kept\"}");
            using (var b = ChatHistory.Sqlite(Path.Combine(dir, "chat.db"), "s"))
                Assert.AreEqual("[{\"role\":\"user\",\"content\":\"kept\"}]", b.Messages);
        }

        [Test]
        public void BadInputIsAClearError()
        {
            var history = ChatHistory.InMemory();
            var parse = Assert.Throws<ParseException>(() => history.AddMessages("[{"));
            StringAssert.Contains("messages_json", parse.Message);
            Assert.Throws<InvalidArgumentException>(() => history.AddMessages("7"));
            history.Dispose();
            Assert.Throws<ObjectDisposedException>(() => { string unused = history.Messages; });
            Assert.Throws<InvalidArgumentException>(() => ChatHistory.Sqlite("x.db", ""));
            Assert.Throws<InvalidArgumentException>(() => ChatHistory.File(null));
            var e = Assert.Throws<InvalidArgumentException>(() => Memory.TrimMessages("[]", "{\"max_tokens\": 1, \"strategy\": \"middle\"}"));
            StringAssert.Contains("strategy", e.Message);
            Assert.Throws<InvalidArgumentException>(() => Memory.LastTurns("[]", -1));
            Assert.Throws<InvalidArgumentException>(() => Memory.WithMessageHistory(null, "{\"type\": \"memory\"}"));
        }

        [Test]
        public void TrimAndLastTurns()
        {
            string conversation = "[{\"role\": \"system\", \"content\": \"sys\"}, {\"role\": \"user\", \"content\": \"first\"},"
                + "{\"role\": \"assistant\", \"content\": \"one\"}, {\"role\": \"user\", \"content\": \"second\"},"
                + "{\"role\": \"assistant\", \"content\": \"two\"}]";
            Assert.AreEqual("[{\"role\":\"system\",\"content\":\"sys\"},{\"role\":\"user\",\"content\":\"second\"},"
                            + "{\"role\":\"assistant\",\"content\":\"two\"}]",
                            Memory.TrimMessages(conversation, "{\"max_tokens\": 16, \"include_system\": true}"));
            Assert.AreEqual("[{\"role\":\"user\",\"content\":\"second\"},{\"role\":\"assistant\",\"content\":\"two\"}]",
                            Memory.LastTurns(conversation, 1, false));
            // GPT-2 counts "understanding" x4 as far fewer tokens than the approximate 18
            string words = "[{\"role\": \"user\", \"content\": \"understanding understanding understanding understanding\"}]";
            string data = Environment.GetEnvironmentVariable("BRAID_TEST_DATA");
            using (var gpt2 = Tokenizer.Load(Path.Combine(data, "vocab", "ggml-vocab-gpt-2.gguf")))
                Assert.AreEqual(Messages.Normalize(words), Memory.TrimMessages(words, "{\"max_tokens\": 12}", gpt2));
            Assert.AreEqual("[]", Memory.TrimMessages(words, "{\"max_tokens\": 12}"));
        }

        [Test]
        public void ARunnableRemembersItsSessions()
        {
            string db = Path.Combine(dir, "npc.db");
            string store = "{\"type\": \"sqlite\", \"path\": " + Json.Quote(db) + "}";
            using (var prompt = ChatPromptTemplate.FromMessages(
                       "[[\"system\", \"You are a blacksmith.\"], {\"placeholder\": \"history\"}, [\"user\", \"{question}\"]]"))
            using (var model = FakeChatModel.Of("Aye.", "You asked about a sword."))
            using (var chain = prompt | model)
            using (var npc = Memory.WithMessageHistory(chain, store, "{\"input_messages_key\": \"question\"}"))
            {
                var session = new RunOptions { ConfigJson = "{\"configurable\": {\"session_id\": \"player\"}}" };
                npc.Invoke("{\"question\": \"Can you fix my sword?\"}", session);
                npc.Invoke("{\"question\": \"What did I ask?\"}", session);
                StringAssert.Contains("{\"role\":\"user\",\"content\":\"Can you fix my sword?\"},"
                                      + "{\"role\":\"assistant\",\"content\":\"Aye.\"},{\"role\":\"user\",\"content\":\"What did I ask?\"}",
                                      model.Calls);
                var e = Assert.Throws<InvalidArgumentException>(() => npc.Invoke("{\"question\": \"?\"}"));
                StringAssert.Contains("session_id", e.Message);
            }
            using (var history = ChatHistory.Sqlite(db, "player"))
                StringAssert.EndsWith("{\"role\":\"assistant\",\"content\":\"You asked about a sword.\"}]", history.Messages);
        }

        [Test]
        public void SummaryBufferAndEntityMemories()
        {
            string db = Path.Combine(dir, "m.db");
            string store = "{\"type\": \"sqlite\", \"path\": " + Json.Quote(db) + ", \"session_id\": \"npc\"}";
            using (var model = FakeChatModel.Of("The player wants a sword."))
            using (var history = ChatHistory.Sqlite(db, "npc"))
            using (var summary = SummaryMemory.Create(model, history, store))
            {
                history.AddMessages("[{\"role\": \"user\", \"content\": \"A sword!\"}, {\"role\": \"assistant\", \"content\": \"Aye.\"}]");
                Assert.AreEqual("The player wants a sword.", summary.Update());
                Assert.AreEqual(2UL, summary.Covered);
                Assert.AreEqual("The player wants a sword.", summary.Update()); // nothing new: no call
                StringAssert.Contains("\"call_count\":1", model.Calls);
            }
            using (var model = FakeChatModel.Of("Old talk."))
            using (var history = ChatHistory.InMemory())
            using (var buffer = SummaryBufferMemory.Create(model, history, "{\"type\": \"memory\"}",
                                                           "{\"max_token_limit\": 12, \"summary_prefix\": \"Earlier: \"}"))
            {
                history.AddMessages("[{\"role\": \"user\", \"content\": \"I want a long sword\"}, {\"role\": \"assistant\", \"content\": \"Ten gold\"}]");
                Assert.AreEqual("Old talk.", buffer.Prune());
                Assert.AreEqual("[{\"role\":\"system\",\"content\":\"Earlier: Old talk.\"},{\"role\":\"assistant\",\"content\":\"Ten gold\"}]",
                                buffer.Messages);
                Assert.AreEqual("Old talk.", buffer.Summary);
            }
            using (var model = FakeChatModel.Of("Mira", "Mira is the smith's daughter."))
            using (var history = ChatHistory.InMemory())
            using (var entities = EntityMemory.Create(model, history, "{\"type\": \"memory\"}"))
            {
                string known = entities.Recall("Mira came by.");
                Assert.AreEqual("{\"Mira\":\"\"}", known);
                entities.Remember(known, "Mira came by.");
                Assert.AreEqual("{\"Mira\":\"Mira is the smith's daughter.\"}", entities.Facts);
            }
        }
    }
}
