// Chat templates: Jinja templates turning a conversation into a model's prompt (braid/chat_template.h).
using System;

namespace Braid
{
    /// <summary>
    /// Renders chat templates (Jinja, as Hugging Face transformers does). A model's own template:
    /// <see cref="Model.ChatTemplate"/>, <see cref="Model.ApplyChatTemplate"/>.
    /// </summary>
    public static class ChatTemplate
    {
        /// <summary>
        /// <paramref name="template"/> rendered with <paramref name="contextJson"/> (a JSON object of variables:
        /// "messages", "add_generation_prompt", "tools", ...; null for none). ParseException for a template syntax
        /// error (its line and column) or malformed JSON; TemplateException for an error while rendering.
        /// </summary>
        public static string Render(string template, string contextJson = null)
        {
            IntPtr text;
            Ensure.Ok(NativeMethods.braid_chat_template_render(out text, Utf8.Bytes(template), Utf8.Bytes(contextJson)));
            return Utf8.Take(text);
        }
    }
}
