using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using NUnit.Framework;

namespace Braid.Tests
{
    /// <summary>C# code as steps: outputs, exceptions, streaming, and braid's own threads calling in.</summary>
    [TestFixture]
    public class StepTests
    {
        [Test]
        public void CSharpStepInTheMiddleOfAChain()
        {
            using (var prompt = ChatPromptTemplate.FromMessages("[[\"user\", \"{q}\"]]"))
            using (var brief = Runnable.FromFunction("brief", messages => "[{\"role\": \"system\", \"content\": \"Be brief.\"}," + messages.Substring(1)))
            using (var model = FakeChatModel.Of("Brief answer."))
            using (var parser = new StrOutputParser())
            using (var chain = prompt | brief | model | parser)
            {
                Assert.AreEqual("\"Brief answer.\"", chain.Invoke("{\"q\": \"Why?\"}"));
                StringAssert.Contains("{\"role\":\"system\",\"content\":\"Be brief.\"}", model.Calls);
            }
        }

        [Test]
        public void ExceptionsBecomeChainErrors()
        {
            using (var boom = Runnable.FromFunction("boom", s => { throw new InvalidOperationException("kaboom"); }))
            using (var head = Runnable.Passthrough())
            using (var chain = head | boom)
            {
                var e = Assert.Throws<CallbackException>(() => chain.Invoke("1"));
                Assert.AreEqual(Status.Callback, e.Status);
                StringAssert.Contains("callback step 'boom' failed: System.InvalidOperationException: kaboom", e.Message);
            }
            using (var picky = Runnable.FromFunction("picky", s => { throw new ValidationException(Status.Validation, "needs a string"); }))
                StringAssert.Contains("needs a string", Assert.Throws<ValidationException>(() => picky.Invoke("1")).Message);
            using (var nothing = Runnable.FromFunction("nothing", s => null))
            using (var broken = Runnable.FromFunction("broken", s => "{not json"))
            {
                StringAssert.Contains("returned null", Assert.Throws<CallbackException>(() => nothing.Invoke("1")).Message);
                StringAssert.Contains("invalid JSON", Assert.Throws<ParseException>(() => broken.Invoke("1")).Message);
            }
            Assert.Throws<InvalidArgumentException>(() => Runnable.FromFunction("x", null));
            Assert.Throws<InvalidArgumentException>(() => Runnable.FromFunction("", s => s));
        }

        [Test]
        public void Utf8RoundTrip()
        {
            string text = "h\u00e9llo \ud83d\ude00 \u4e16\u754c";
            using (var echo = Runnable.FromFunction("echo", s => s))
                Assert.AreEqual(Json.Quote(text), echo.Invoke(Json.Quote(text)));
        }

        [Test]
        public void TransformStepStreams()
        {
            using (var model = FakeChatModel.FromConfig("{\"responses\": [\"hi you\"], \"chunking\": \"words\"}"))
            using (var parser = new StrOutputParser())
            using (var shout = Runnable.FromTransform("shout", chunk => new[] { chunk.ToUpperInvariant(), "\"!\"" }))
            using (var chain = Runnable.Sequence(model, parser, shout))
            {
                CollectionAssert.AreEqual(new[] { "\"HI\"", "\"!\"", "\" YOU\"", "\"!\"" }, chain.Stream("\"hello\"").ToList());
                Assert.AreEqual("\"HI YOU!\"", chain.Invoke("\"hello\"")); // invoked: called once, on the whole text
            }
            using (var bad = Runnable.FromTransform("bad", chunk => null))
                Assert.Throws<CallbackException>(() => bad.Invoke("1"));
        }

        [Test]
        public void NativeThreadsCallCSharpSteps()
        {
            var threads = new HashSet<int>();
            int callerThread = Thread.CurrentThread.ManagedThreadId;
            using (var record = Runnable.FromFunction("record", s =>
                   {
                       lock (threads)
                           threads.Add(Thread.CurrentThread.ManagedThreadId);
                       // A step that takes a moment: an instant one may be all done by the calling thread
                       // before a pool thread picks up an item (seen once in CI on 2 cores).
                       Thread.Sleep(1);
                       return s;
                   }))
            {
                var inputs = Enumerable.Repeat("1", 200).ToList();
                for (int round = 0; round < 5; ++round)
                    CollectionAssert.AreEqual(inputs, record.Batch(inputs, new RunOptions { MaxConcurrency = 8 }));
            }
            Assert.IsTrue(threads.Any(t => t != callerThread), "braid's pool threads called the step");
            Assert.LessOrEqual(threads.Count, 65);
        }
    }
}
