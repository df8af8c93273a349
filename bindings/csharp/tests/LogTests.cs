using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using NUnit.Framework;

namespace Braid.Tests
{
    /// <summary>The process-wide log sink: messages of braid's threads in C#, levels, going back to standard error.</summary>
    [TestFixture]
    public class LogTests
    {
        // One message as a sink saw it.
        sealed class Record
        {
            internal LogLevel Level;
            internal string Component;
            internal string Message;
            internal int Thread;

            public override string ToString() { return Level + " " + Component + ": " + Message + " [" + Thread + "]"; }
        }

        sealed class Records
        {
            private readonly List<Record> list = new List<Record>();

            internal void Add(LogLevel level, string component, string message)
            {
                lock (list)
                    list.Add(new Record { Level = level, Component = component, Message = message, Thread = System.Threading.Thread.CurrentThread.ManagedThreadId });
            }

            internal List<Record> Context()
            {
                lock (list)
                    return list.Where(r => r.Component == "context").ToList();
            }

            public override string ToString()
            {
                lock (list)
                    return string.Join("; ", list);
            }
        }

        static void MakeContext(Model model)
        {
            using (var ctx = ContextTests.Cpu(model))
                StringAssert.Contains("\"backend\":\"cpu\"", ctx.Info);
        }

        // The sink is made here, so that no reference to it stays in the test's frame.
        [MethodImpl(MethodImplOptions.NoInlining)]
        static WeakReference SetSink(Records records, LogLevel level)
        {
            LogSink sink = records.Add;
            Library.SetLogSink(sink, level);
            return new WeakReference(sink);
        }

        [TearDown]
        public void BackToStandardError()
        {
            Library.SetLogSink(null, LogLevel.Warning);
        }

        [Test]
        public void TheSinkReceivesTheContextsMessage()
        {
            var records = new Records();
            WeakReference weak;
            using (var model = Model.Load(ContextTests.Stories))
            {
                weak = SetSink(records, LogLevel.Info);
                Assert.AreEqual(LogLevel.Info, Library.LogLevel);
                MakeContext(model);
                List<Record> messages = records.Context();
                Assert.AreEqual(1, messages.Count, records.ToString());
                Assert.AreEqual(LogLevel.Info, messages[0].Level);
                StringAssert.StartsWith("llama context on cpu", messages[0].Message);
                StringAssert.Contains("n_ctx 256", messages[0].Message);
                Assert.AreEqual(Thread.CurrentThread.ManagedThreadId, messages[0].Thread); // logged on the thread that made it

                // Back to standard error, at the same level: the C# sink hears nothing more, and braid let it go.
                Library.SetLogSink(null, LogLevel.Info);
                Assert.AreEqual(LogLevel.Info, Library.LogLevel);
                MakeContext(model);
                Assert.AreEqual(1, records.Context().Count, records.ToString());
            }
            for (int i = 0; i < 100 && weak.IsAlive; ++i)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            Assert.IsFalse(weak.IsAlive, "the replaced sink is still referenced");
            Assert.Throws<InvalidArgumentException>(() => Library.SetLogSink(records.Add, (LogLevel)7));
            Assert.Throws<InvalidArgumentException>(() => Library.LogLevel = (LogLevel)(-1));
        }

        [Test]
        public void LevelsBelowTheSinksAreNotDelivered()
        {
            var records = new Records();
            using (var model = Model.Load(ContextTests.Stories))
            {
                Library.SetLogSink(records.Add, LogLevel.Warning);
                Assert.AreEqual(LogLevel.Warning, Library.LogLevel);
                MakeContext(model);
                Assert.AreEqual(0, records.Context().Count, records.ToString());

                Library.LogLevel = LogLevel.Info; // the same sink, a lower level
                Assert.AreEqual(LogLevel.Info, Library.LogLevel);
                MakeContext(model);
                Assert.AreEqual(1, records.Context().Count, records.ToString());

                Library.LogLevel = LogLevel.Off;
                MakeContext(model);
                Assert.AreEqual(1, records.Context().Count, records.ToString());
            }
        }

        [Test]
        public void BraidsThreadsLogToCSharpAndWhatTheSinkThrowsIsDropped()
        {
            var records = new Records();
            using (var model = Model.Load(ContextTests.Stories))
            using (var contexts = Runnable.FromFunction("contexts", s => { MakeContext(model); return s; }))
            {
                Library.SetLogSink((level, component, message) =>
                {
                    records.Add(level, component, message);
                    throw new InvalidOperationException("a sink must not throw; this one is dropped");
                }, LogLevel.Info);
                var inputs = Enumerable.Repeat("1", 8).ToList();
                CollectionAssert.AreEqual(inputs, contexts.Batch(inputs, new RunOptions { MaxConcurrency = 4 })); // several sinks at once
                Assert.AreEqual(8, records.Context().Count, records.ToString());
            }
        }
    }
}
