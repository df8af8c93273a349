// Prompt templates as steps: a text template, and a chat prompt with its builder.
using System.Collections.Generic;

namespace Braid
{
    /// <summary>A text template with {variable} placeholders: a step from a JSON object of variables to a JSON string.</summary>
    public sealed class PromptTemplate : Runnable
    {
        private PromptTemplate(RunnableHandle h) : base(h) { }

        /// <summary>Parses <paramref name="template"/>; <paramref name="partialJson"/> binds variables ahead.</summary>
        public static PromptTemplate Of(string template, string partialJson = null)
        {
            RunnableHandle h;
            Ensure.Ok(NativeMethods.braid_prompt_template(out h, Utf8.Bytes(template), Utf8.Bytes(partialJson)));
            return new PromptTemplate(h);
        }

        /// <summary>The variables the caller must give, as a JSON array.</summary>
        public string Variables { get { return PromptVariables(this); } }

        internal static string PromptVariables(Runnable prompt)
        {
            System.IntPtr text;
            Ensure.Ok(NativeMethods.braid_prompt_variables(out text, prompt.Handle));
            return Utf8.Take(text);
        }
    }

    /// <summary>A chat prompt: message templates, fixed messages, message placeholders; a step to a JSON array of messages.</summary>
    public sealed class ChatPromptTemplate : Runnable
    {
        private ChatPromptTemplate(RunnableHandle h) : base(h) { }

        /// <summary>From the parts as braid_chat_prompt_template() takes them: [["system", "..."], ...].</summary>
        public static ChatPromptTemplate FromMessages(string messagesJson, string partialJson = null)
        {
            RunnableHandle h;
            Ensure.Ok(NativeMethods.braid_chat_prompt_template(out h, Utf8.Bytes(messagesJson), Utf8.Bytes(partialJson)));
            return new ChatPromptTemplate(h);
        }

        /// <summary>A builder of the parts.</summary>
        public static Builder Create() { return new Builder(); }

        /// <summary>The variables the caller must give, as a JSON array.</summary>
        public string Variables { get { return PromptTemplate.PromptVariables(this); } }

        /// <summary>Collects the parts of a chat prompt, in order.</summary>
        public sealed class Builder
        {
            private readonly List<string> parts = new List<string>();

            internal Builder() { }

            /// <summary>A message template of any role.</summary>
            public Builder Message(string role, string template)
            {
                parts.Add("[" + Json.Quote(role) + "," + Json.Quote(template) + "]");
                return this;
            }

            /// <summary>A system message template.</summary>
            public Builder System(string template) { return Message("system", template); }
            /// <summary>A user message template.</summary>
            public Builder User(string template) { return Message("user", template); }
            /// <summary>An assistant message template.</summary>
            public Builder Assistant(string template) { return Message("assistant", template); }

            /// <summary>The messages in variable <paramref name="variable"/>.</summary>
            public Builder Placeholder(string variable, bool optional)
            {
                parts.Add("{\"placeholder\":" + Json.Quote(variable) + ",\"optional\":" + (optional ? "true" : "false") + "}");
                return this;
            }

            /// <summary>A message inserted as it is (not formatted).</summary>
            public Builder Fixed(string messageJson)
            {
                parts.Add("{\"message\":" + messageJson + "}");
                return this;
            }

            /// <summary>The prompt step.</summary>
            public ChatPromptTemplate Build() { return FromMessages("[" + string.Join(",", parts) + "]"); }
        }
    }
}
