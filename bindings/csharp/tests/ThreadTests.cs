using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Braid.Tests
{
    /// <summary>One chain with a C# step, 16 threads at once: identical results, every call accounted for.</summary>
    [TestFixture]
    public class ThreadTests
    {
        [Test]
        public void SixteenThreads()
        {
            int calls = 0;
            using (var prompt = ChatPromptTemplate.Create().System("You are {role}.").User("{q}").Build())
            using (var model = FakeChatModel.FromConfig("{\"responses\": [\"Arr, Paris it be.\"], \"record\": false}"))
            using (var parser = new StrOutputParser())
            using (var count = Runnable.FromFunction("count", s => { Interlocked.Increment(ref calls); return s; }))
            using (var chain = prompt | model | parser | count)
            {
                const int perThread = 300;
                var tasks = Enumerable.Range(0, 16).Select(t => Task.Factory.StartNew(() =>
                {
                    int ok = 0;
                    for (int i = 0; i < perThread; ++i)
                    {
                        ok += chain.Invoke("{\"role\": \"a pirate\", \"q\": \"question " + t + "-" + i + "\"}") == "\"Arr, Paris it be.\"" ? 1 : 0;
                        if (i % 50 == 0)
                            ok += chain.Stream("{\"role\": \"r\", \"q\": \"q\"}").First() == "\"Arr, Paris it be.\"" ? 0 : -1000;
                    }
                    return ok;
                }, TaskCreationOptions.LongRunning)).ToArray();
                Task.WaitAll(tasks);
                foreach (var task in tasks)
                    Assert.AreEqual(perThread, task.Result);
                Assert.AreEqual(16 * (perThread + perThread / 50), calls);
            }
        }
    }
}
