// Grammars and the tool-call parser (braid/grammar.h).
namespace Braid
{
    /// <summary>How <see cref="Grammar.FromJsonSchema"/> compiles a schema (braid_json_schema_options flags).</summary>
    [System.Flags]
    public enum JsonSchemaFlags
    {
        /// <summary>The defaults: compact whitespace, any property order, open objects, unsupported keywords fail.</summary>
        None = 0,
        /// <summary>Up to 20 whitespace characters wherever JSON allows them.</summary>
        FlexibleWhitespace = 0x1,
        /// <summary>Object properties in the order of "properties".</summary>
        SchemaOrder = 0x2,
        /// <summary>An absent additionalProperties means false.</summary>
        ClosedObjects = 0x4,
        /// <summary>Drop keywords that cannot be enforced (with a logged warning) instead of failing.</summary>
        IgnoreUnsupported = 0x8,
    }

    /// <summary>A compiled GBNF grammar (llama.cpp's syntax, start rule root). Immutable and thread-safe.</summary>
    public sealed class Grammar : System.IDisposable
    {
        private readonly GrammarHandle handle;

        private Grammar(GrammarHandle h) { handle = h; }

        /// <summary>
        /// Compiles <paramref name="gbnf"/>: ParseException for malformed text ("line L, column C: ..."), an
        /// undefined rule, no root rule, left recursion.
        /// </summary>
        public static Grammar CompileGbnf(string gbnf)
        {
            GrammarHandle h;
            Ensure.Ok(LocalModelsNativeMethods.braid_grammar_compile_gbnf(out h, Utf8.Bytes(gbnf)));
            return new Grammar(h);
        }

        /// <summary>
        /// The grammar of the JSON values <paramref name="schemaJson"/> (a JSON Schema) allows. UnsupportedException for a
        /// keyword braid cannot enforce (named with its JSON pointer); InvalidArgumentException for a malformed schema;
        /// BraidTimeoutException past <paramref name="maxCompileMilliseconds"/> (0: 1000 ms).
        /// </summary>
        public static Grammar FromJsonSchema(string schemaJson, JsonSchemaFlags flags = JsonSchemaFlags.None, int maxCompileMilliseconds = 0)
        {
            if (maxCompileMilliseconds < 0)
                throw new InvalidArgumentException(Status.InvalidArgument, "Grammar.FromJsonSchema: maxCompileMilliseconds must not be negative");
            LocalModelsNativeMethods.JsonSchemaOptions native = new LocalModelsNativeMethods.JsonSchemaOptions
            {
                StructSize = (uint)System.Runtime.InteropServices.Marshal.SizeOf(typeof(LocalModelsNativeMethods.JsonSchemaOptions)),
                Flags = (uint)flags,
                MaxCompileMs = (uint)maxCompileMilliseconds,
            };
            GrammarHandle h;
            Ensure.Ok(LocalModelsNativeMethods.braid_grammar_from_json_schema(out h, Utf8.Bytes(schemaJson), ref native));
            return new Grammar(h);
        }

        /// <summary>Whether the whole of <paramref name="text"/> is a sentence of the grammar.</summary>
        public bool Accepts(string text)
        {
            uint accepted;
            Ensure.Ok(LocalModelsNativeMethods.braid_grammar_accepts(handle, Utf8.Bytes(text), out accepted));
            return accepted != 0;
        }

        /// <summary>The GBNF text the grammar was compiled from.</summary>
        public string Source
        {
            get
            {
                System.IntPtr text;
                Ensure.Ok(LocalModelsNativeMethods.braid_grammar_source(out text, handle));
                return Utf8.Take(text);
            }
        }

        /// <summary>Frees the grammar.</summary>
        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>The tool-call parser of local model families.</summary>
    public static class ToolCalls
    {
        /// <summary>
        /// Parses a model's whole answer into an assistant message (JSON: content, tool_calls, reasoning_content).
        /// <paramref name="format"/>: "generic", "hermes", "llama3", "mistral_nemo", ... or an alias; a "+thinking"
        /// suffix reads a leading think block as reasoning. <paramref name="toolsJson"/>: null, or the bound tools
        /// (a call of another tool is malformed). ParseException for malformed calls; InvalidArgumentException for
        /// an unknown format.
        /// </summary>
        public static string Parse(string format, string text, string toolsJson = null)
        {
            System.IntPtr json;
            Ensure.Ok(LocalModelsNativeMethods.braid_tool_calls_parse(out json, Utf8.Bytes(format), Utf8.Bytes(text), Utf8.Bytes(toolsJson)));
            return Utf8.Take(json);
        }
    }
}
