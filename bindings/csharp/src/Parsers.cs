// Output parsers as steps.
using System;

namespace Braid
{
    /// <summary>How a list is written in a model's answer.</summary>
    public enum ListStyle
    {
        /// <summary>red, green, blue.</summary>
        Comma = 0,
        /// <summary>One item per line.</summary>
        Newline = 1,
        /// <summary>1. red lines.</summary>
        Numbered = 2,
        /// <summary>- red bullets.</summary>
        Markdown = 3,
    }

    /// <summary>What the output parsers share: they are steps, and they tell a model how to answer.</summary>
    public abstract class OutputParser : Runnable
    {
        internal OutputParser(RunnableHandle h) : base(h) { }

        /// <summary>Text for the prompt telling the model how to answer ("" when none is needed).</summary>
        public string FormatInstructions
        {
            get
            {
                IntPtr text;
                Ensure.Ok(NativeMethods.braid_parser_format_instructions(out text, Handle));
                return Utf8.Take(text);
            }
        }

        internal static RunnableHandle Checked(int status, RunnableHandle h)
        {
            Ensure.Ok(status);
            return h;
        }

        internal static NativeMethods.JsonParserOptions JsonOptions(bool allowPartial, int maxDepth)
        {
            return new NativeMethods.JsonParserOptions
            {
                StructSize = (uint)System.Runtime.InteropServices.Marshal.SizeOf(typeof(NativeMethods.JsonParserOptions)),
                AllowPartial = allowPartial ? 1u : 0u,
                MaxDepth = maxDepth < 0 ? 0u : (uint)maxDepth,
            };
        }
    }

    /// <summary>The answer as a JSON string; streaming passes each chunk's text on.</summary>
    public sealed class StrOutputParser : OutputParser
    {
        private static RunnableHandle Make() { RunnableHandle h; return Checked(NativeMethods.braid_parser_str(out h), h); }
        /// <summary>A new parser.</summary>
        public StrOutputParser() : base(Make()) { }
    }

    /// <summary>The JSON value in the answer; streaming yields snapshots as it grows.</summary>
    public sealed class JsonOutputParser : OutputParser
    {
        private static RunnableHandle Make(bool allowPartial, int maxDepth)
        {
            NativeMethods.JsonParserOptions o = JsonOptions(allowPartial, maxDepth);
            RunnableHandle h;
            return Checked(NativeMethods.braid_parser_json(out h, ref o), h);
        }
        /// <summary>A parser (<paramref name="allowPartial"/>: a truncated answer gives the partial value).</summary>
        public JsonOutputParser(bool allowPartial = false, int maxDepth = 256) : base(Make(allowPartial, maxDepth)) { }
    }

    /// <summary>A JSON array of the listed items; streaming yields arrays of the items completed.</summary>
    public sealed class ListOutputParser : OutputParser
    {
        private static RunnableHandle Make(ListStyle style) { RunnableHandle h; return Checked(NativeMethods.braid_parser_list(out h, (int)style), h); }
        /// <summary>A parser for lists written in <paramref name="style"/>.</summary>
        public ListOutputParser(ListStyle style = ListStyle.Comma) : base(Make(style)) { }
    }

    /// <summary>The JSON value in the answer, validated against a JSON Schema.</summary>
    public sealed class StructuredOutputParser : OutputParser
    {
        private static RunnableHandle Make(string schema)
        {
            NativeMethods.JsonParserOptions o = JsonOptions(false, 256);
            RunnableHandle h;
            return Checked(NativeMethods.braid_parser_structured(out h, Utf8.Bytes(schema), ref o), h);
        }
        /// <summary>A parser for answers matching <paramref name="schemaJson"/>.</summary>
        public StructuredOutputParser(string schemaJson) : base(Make(schemaJson)) { }
    }

    /// <summary>The first XML element of the answer, as JSON.</summary>
    public sealed class XmlOutputParser : OutputParser
    {
        private static RunnableHandle Make(string tags) { RunnableHandle h; return Checked(NativeMethods.braid_parser_xml(out h, Utf8.Bytes(tags)), h); }
        /// <summary>A parser; <paramref name="tagsJson"/> lists tags the format instructions suggest.</summary>
        public XmlOutputParser(string tagsJson = null) : base(Make(tagsJson)) { }
    }
}
