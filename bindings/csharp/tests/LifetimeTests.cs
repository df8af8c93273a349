using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

namespace Braid.Tests
{
    /// <summary>Disposing in any order, use after dispose, nulls and bad arguments: errors, never crashes.</summary>
    [TestFixture]
    public class LifetimeTests
    {
        [Test]
        public void DisposeInAnyOrder()
        {
            var prompt = PromptTemplate.Of("Say {word}");
            var model = FakeChatModel.Of("ok");
            var parser = new StrOutputParser();
            var head = prompt | model;
            var chain = head | parser;
            prompt.Dispose();
            model.Dispose();
            head.Dispose();
            IEnumerator<string> stream = chain.Stream("{\"word\": \"hi\"}").GetEnumerator();
            Assert.IsTrue(stream.MoveNext()); // opened: the stream holds the chain
            chain.Dispose();
            Assert.AreEqual("\"still\"", parser.Invoke("\"still\""));
            parser.Dispose();
            Assert.AreEqual("\"ok\"", stream.Current);
            Assert.IsFalse(stream.MoveNext());
            stream.Dispose();
            Assert.Throws<ObjectDisposedException>(() => chain.Invoke("{}"));
            Assert.Throws<ObjectDisposedException>(() => (prompt | parser).Dispose());
            chain.Dispose(); // idempotent
        }

        [Test]
        public void DelegatesLiveAsLongAsTheirChain()
        {
            int calls = 0;
            var step = Runnable.FromFunction("count", s => { ++calls; return s; });
            var retried = step.WithRetry();
            step.Dispose();
            for (int i = 0; i < 3; ++i)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            Assert.AreEqual("7", retried.Invoke("7"));
            Assert.AreEqual(1, calls);
            retried.Dispose();
        }

        // Made in a method of its own, so that no reference stays on the test's stack.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        static List<WeakReference> Abandon(int count)
        {
            var refs = new List<WeakReference>();
            for (int i = 0; i < count; ++i)
                refs.Add(new WeakReference(Runnable.FromFunction("leak", s => s)));
            return refs;
        }

        [Test]
        public void UndisposedHandlesAreFinalized()
        {
            var refs = Abandon(100);
            for (int i = 0; i < 10 && refs.Count(r => r.IsAlive) > 5; ++i)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            // Mono scans stacks conservatively: a stray word may keep one alive, so allow a few
            Assert.LessOrEqual(refs.Count(r => r.IsAlive), 5);
        }

        [Test]
        public void NullsAndGarbage()
        {
            using (var echo = Runnable.Passthrough())
            {
                Assert.Throws<InvalidArgumentException>(() => echo.Invoke(null));
                Assert.Throws<ParseException>(() => echo.Invoke("{oops"));
                Assert.Throws<ParseException>(() => echo.Invoke("1", new RunOptions { ConfigJson = "{" }));
                Assert.Throws<InvalidArgumentException>(() => echo.Invoke("1", new RunOptions { ConfigJson = "{\"x\": 1}" }));
                Assert.Throws<InvalidArgumentException>(() => echo.Bind("[1]"));
                Assert.Throws<InvalidArgumentException>(() => echo.WithConfig(null));
                Assert.Throws<InvalidArgumentException>(() => echo.WithRetry(new RetryOptions { MaxAttempts = 0 }));
                Assert.Throws<InvalidArgumentException>(() => echo.WithFallbacks(new Runnable[0]));
                Assert.Throws<InvalidArgumentException>(() => echo.Pipe(null));
            }
            Assert.Throws<InvalidArgumentException>(() => Runnable.Pick(null));
            Assert.Throws<InvalidArgumentException>(() => Runnable.Pick(""));
            Assert.Throws<InvalidArgumentException>(() => Runnable.Sequence());
            Assert.Throws<TemplateException>(() => PromptTemplate.Of("{unclosed"));
            Assert.Throws<InvalidArgumentException>(() => PromptTemplate.Of(null));
            Assert.Throws<InvalidArgumentException>(() => ChatPromptTemplate.FromMessages("[42]"));
            Assert.Throws<InvalidArgumentException>(() => FakeChatModel.FromConfig("[]"));
            Assert.Throws<InvalidArgumentException>(() => new StructuredOutputParser("{\"type\": 3}"));
            Assert.Throws<InvalidArgumentException>(() => new JsonOutputParser(false, 0));
        }

        [Test]
        public void StatusTable()
        {
            Assert.IsInstanceOf<ParseException>(Ensure.Exception(-2, "m"));
            Assert.IsInstanceOf<CallbackException>(Ensure.Exception(-100, "m"));
            Assert.IsInstanceOf<BraidTimeoutException>(Ensure.Exception(-9, "m"));
            StringAssert.Contains("777", Ensure.Exception(777, "m").Message);
            foreach (Status s in Enum.GetValues(typeof(Status)))
                if ((int)s < 0 && s != Status.BufferTooSmall)
                    Assert.AreEqual(s, Ensure.Exception((int)s, "m").Status);
        }
    }
}
