using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using NUnit.Framework;

namespace Braid.Tests
{
    /// <summary>Streaming: IEnumerable, listeners, early stops, events, cancellation and deadlines.</summary>
    [TestFixture]
    public class StreamTests
    {
        internal static Runnable WordsChain(string answer, int delayMicros)
        {
            using (var prompt = ChatPromptTemplate.FromMessages("[[\"user\", \"{q}\"]]"))
            using (var model = FakeChatModel.FromConfig("{\"responses\": [" + Json.Quote(answer) + "], \"chunking\": \"words\", \"chunk_delay_us\": " + delayMicros + "}"))
            using (var parser = new StrOutputParser())
                return prompt | model | parser;
        }

        [Test]
        public void PulledChunks()
        {
            using (var chain = WordsChain("Paris is the capital.", 0))
            {
                CollectionAssert.AreEqual(new[] { "\"Paris\"", "\" is\"", "\" the\"", "\" capital.\"" }, chain.Stream("{\"q\": \"?\"}").ToList());
                Assert.AreEqual("\"Paris\"", chain.Stream("{\"q\": \"?\"}").First()); // leaving early stops the run
                Assert.Throws<NotFoundException>(() => chain.Stream("{}").ToList());
            }
        }

        [Test]
        public void EarlyStopStopsTheModel()
        {
            string many = string.Concat(Enumerable.Repeat("word ", 200));
            using (var chain = WordsChain(many, 5000))
            {
                var watch = Stopwatch.StartNew();
                var firstTwo = chain.Stream("{\"q\": \"?\"}").Take(2).ToList();
                Assert.AreEqual(2, firstTwo.Count);
                var chunks = new List<string>();
                chain.StreamTo("{\"q\": \"?\"}", c => { chunks.Add(c); return chunks.Count < 2; });
                Assert.AreEqual(2, chunks.Count);
                Assert.Less(watch.ElapsedMilliseconds, 1000);
            }
        }

        [Test]
        public void ListenerExceptionIsRethrown()
        {
            var thrown = new ArgumentException("no more");
            using (var chain = WordsChain("a b c", 0))
            {
                var caught = Assert.Throws<ArgumentException>(() => chain.StreamTo("{\"q\": \"?\"}", c => { throw thrown; }));
                Assert.AreSame(thrown, caught);
                Assert.Throws<InvalidArgumentException>(() => chain.StreamTo("{}", null));
            }
        }

        [Test]
        public void Events()
        {
            using (var chain = WordsChain("Hi there", 0))
            {
                var all = string.Join("\n", chain.Events("{\"q\": \"?\"}", new RunOptions { ConfigJson = "{\"tags\": [\"demo\"]}" }));
                StringAssert.Contains("\"event\":\"start\"", all);
                StringAssert.Contains("\"name\":\"fake_chat_model\"", all);
                StringAssert.Contains("\"tags\":[\"demo\"]", all);
                int n = 0;
                chain.EventsTo("{\"q\": \"?\"}", e => { ++n; return true; });
                Assert.Greater(n, 5);
            }
        }

        [Test]
        public void CancelAndTimeout()
        {
            using (var chain = WordsChain("a b c d e f g h i j k l m n o p q r s t", 20000))
            using (var token = new CancelToken())
            {
                var canceller = new Thread(() => { Thread.Sleep(30); token.Cancel(); });
                canceller.Start();
                var chunks = new List<string>();
                Assert.Throws<CancelledException>(() => chain.StreamTo("{\"q\": \"?\"}", c => { chunks.Add(c); return true; }, new RunOptions { Cancel = token }));
                canceller.Join();
                Assert.IsTrue(token.IsCancelled);
                Assert.Less(chunks.Count, 20);
                Assert.Throws<CancelledException>(() => chain.Invoke("{\"q\": \"?\"}", new RunOptions { Cancel = token }));
                Assert.Throws<BraidTimeoutException>(() => chain.Stream("{\"q\": \"?\"}", new RunOptions { TimeoutMilliseconds = 30 }).ToList());
                Assert.Throws<InvalidArgumentException>(() => chain.Invoke("{}", new RunOptions { TimeoutMilliseconds = -1 }));
            }
        }
    }
}
