using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;

namespace Braid.Tests
{
    /// <summary>
    /// What stops a call before its end: cancel tokens and deadlines of generations and embeddings, delegates that
    /// ask to stop, and delegates that throw (their exception reaches the caller as it is).
    /// </summary>
    [TestFixture]
    public class CancellationTests
    {
        [Test]
        public void ATokenCancelledFromTheDelegateStopsTheGeneration()
        {
            var pieces = new List<string>();
            using (var model = Model.Load(ContextTests.Stories))
            using (var ctx = ContextTests.Cpu(model))
            using (var token = new CancelToken())
            {
                GenerateOptions o = ContextTests.Greedy(40);
                o.Cancel = token;
                Assert.Throws<CancelledException>(() => ctx.Generate("Once upon a time", o, piece =>
                {
                    pieces.Add(piece);
                    if (pieces.Count == 2)
                        token.Cancel();
                    return true;
                }));
                Assert.AreEqual(2, pieces.Count, string.Join("|", pieces)); // no token after the cancel
                Assert.Throws<CancelledException>(() => ctx.Generate("Once upon a time", o)); // cancelled stays cancelled
                Assert.AreEqual(ContextTests.Story, ctx.Generate("Once upon a time", ContextTests.Greedy(12)).Text); // still usable
            }
        }

        [Test]
        public void ASlowDelegateRunsIntoTheDeadline()
        {
            var pieces = new List<string>();
            using (var model = Model.Load(ContextTests.Stories))
            using (var ctx = ContextTests.Cpu(model))
            {
                var o = new GenerateOptions { MaxTokens = 200, Temperature = 0, IgnoreEos = true, TimeoutMilliseconds = 100 };
                Assert.Throws<BraidTimeoutException>(() => ctx.Generate("Once upon a time", o, piece =>
                {
                    pieces.Add(piece);
                    Thread.Sleep(20);
                    return true;
                }));
                Assert.Less(pieces.Count, 50, string.Join("|", pieces)); // 200 pieces would take 4 s
                GenerateOptions generous = ContextTests.Greedy(12);
                generous.TimeoutMilliseconds = 60000;
                Assert.AreEqual(ContextTests.Story, ctx.Generate("Once upon a time", generous).Text); // a deadline not reached changes nothing
                generous.TimeoutMilliseconds = -1;
                Assert.Throws<InvalidArgumentException>(() => ctx.Generate("Once", generous));
            }
        }

        [Test]
        public void ACancelledTokenStopsTheEmbedding()
        {
            using (var model = Model.Load(ContextTests.Bert))
            using (var ctx = ContextTests.Cpu(model))
            using (var token = new CancelToken())
            {
                float[] unit = ctx.Embed("Hello world");
                CollectionAssert.AreEqual(unit, ctx.Embed("Hello world", new EmbedOptions { Cancel = token, TimeoutMilliseconds = 60000 }));
                CollectionAssert.AreEqual(ctx.Embed("Hello world", false), ctx.Embed("Hello world", new EmbedOptions { Normalize = false }));
                token.Cancel();
                Assert.Throws<CancelledException>(() => ctx.Embed("Hello world", new EmbedOptions { Cancel = token }));
                CollectionAssert.AreEqual(unit, ctx.Embed("Hello world", (EmbedOptions)null)); // still usable
                Assert.Throws<InvalidArgumentException>(() => ctx.Embed("Hello", new EmbedOptions { TimeoutMilliseconds = -1 }));
                token.Dispose();
                Assert.Throws<ObjectDisposedException>(() => ctx.Embed("Hello", new EmbedOptions { Cancel = token }));
            }
        }

        [Test]
        public void WhatTheTextDelegateThrowsIsRethrownAsItIs()
        {
            using (var model = Model.Load(ContextTests.Stories))
            using (var ctx = ContextTests.Cpu(model))
            {
                var boom = new NotSupportedException("delegate failed");
                Assert.AreSame(boom, Assert.Throws<NotSupportedException>(() => ctx.Generate("Once", ContextTests.Greedy(8), piece => { throw boom; })));
                // A braid exception of the delegate's own is not replaced by one made from the call's status.
                var own = new NotFoundException(Status.NotFound, "the delegate's own");
                Assert.AreSame(own, Assert.Throws<NotFoundException>(() => ctx.Generate("Once", ContextTests.Greedy(8), piece => { throw own; })));
                Assert.Throws<CancelledException>(() => ctx.Generate("Once", ContextTests.Greedy(8), piece => false));
            }
        }

        [Test]
        public void WhatChunkAndProgressDelegatesThrowIsRethrownAsItIs()
        {
            var boom = new ArithmeticException("delegate failed");
            using (var chain = StreamTests.WordsChain("a b c", 0))
            {
                Assert.AreSame(boom, Assert.Throws<ArithmeticException>(() => chain.StreamTo("{\"q\": \"?\"}", c => { throw boom; })));
                Assert.AreSame(boom, Assert.Throws<ArithmeticException>(() => chain.EventsTo("{\"q\": \"?\"}", e => { throw boom; })));
                var own = new CancelledException(Status.Cancelled, "the delegate's own");
                Assert.AreSame(own, Assert.Throws<CancelledException>(() => chain.StreamTo("{\"q\": \"?\"}", c => { throw own; })));
                var chunks = new List<string>();
                chain.StreamTo("{\"q\": \"?\"}", c => { chunks.Add(c); return false; }); // stops quietly
                Assert.AreEqual(1, chunks.Count);
            }
            Assert.AreSame(boom, Assert.Throws<ArithmeticException>(() => Model.Load(ContextTests.Stories, p => { throw boom; })));
        }
    }
}
