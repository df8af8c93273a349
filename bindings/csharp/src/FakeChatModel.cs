using System;
using System.Linq;

namespace Braid
{
    /// <summary>A scripted chat model for tests, samples and benchmarks: it answers with the given responses in turn.</summary>
    public sealed class FakeChatModel : Runnable
    {
        private FakeChatModel(RunnableHandle h) : base(h) { }

        /// <summary>A model answering with <paramref name="responses"/> in turn (streamed word by word).</summary>
        public static FakeChatModel Of(params string[] responses)
        {
            return FromConfig("[" + string.Join(",", responses.Select(Json.Quote)) + "]");
        }

        /// <summary>A model from a config as braid_fake_chat_model() takes it.</summary>
        public static FakeChatModel FromConfig(string configJson)
        {
            RunnableHandle h;
            Ensure.Ok(NativeMethods.braid_fake_chat_model(out h, Utf8.Bytes(configJson)));
            return new FakeChatModel(h);
        }

        /// <summary>{"call_count": n, "received": [...], "options": [...]}.</summary>
        public string Calls
        {
            get
            {
                IntPtr text;
                Ensure.Ok(NativeMethods.braid_fake_chat_model_calls(out text, Handle));
                return Utf8.Take(text);
            }
        }

        /// <summary>Forgets the records and restarts the script.</summary>
        public void Reset() { Ensure.Ok(NativeMethods.braid_fake_chat_model_reset(Handle)); }
    }
}
