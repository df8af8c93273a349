// A small reader of the JSON text braid returns, for the results the binding turns into objects.
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Braid
{
    /// <summary>JSON text as objects: Dictionary, List, string, double, bool and null.</summary>
    internal sealed class JsonReader
    {
        private readonly string text;
        private int pos;

        private JsonReader(string text) { this.text = text; }

        /// <summary>The value of <paramref name="text"/>; ParseException when malformed.</summary>
        internal static object Parse(string text)
        {
            JsonReader r = new JsonReader(text);
            object value = r.Value();
            r.SkipSpace();
            if (r.pos != text.Length)
                throw r.Error("unexpected text after the value");
            return value;
        }

        private ParseException Error(string what)
        {
            return new ParseException(Status.Parse, "JSON from braid at offset " + pos + ": " + what);
        }

        private void SkipSpace()
        {
            while (pos < text.Length && " \t\r\n".IndexOf(text[pos]) >= 0)
                ++pos;
        }

        private bool Consume(char c)
        {
            SkipSpace();
            if (pos < text.Length && text[pos] == c)
            {
                ++pos;
                return true;
            }
            return false;
        }

        private void Expect(char c)
        {
            if (!Consume(c))
                throw Error("expected '" + c + "'");
        }

        private object Value()
        {
            SkipSpace();
            if (pos >= text.Length)
                throw Error("unexpected end");
            switch (text[pos])
            {
                case '{':
                {
                    ++pos;
                    Dictionary<string, object> map = new Dictionary<string, object>();
                    if (Consume('}'))
                        return map;
                    do
                    {
                        SkipSpace();
                        if (pos >= text.Length || text[pos] != '"')
                            throw Error("expected a key");
                        string key = ReadString();
                        Expect(':');
                        map[key] = Value();
                    } while (Consume(','));
                    Expect('}');
                    return map;
                }
                case '[':
                {
                    ++pos;
                    List<object> list = new List<object>();
                    if (Consume(']'))
                        return list;
                    do
                        list.Add(Value());
                    while (Consume(','));
                    Expect(']');
                    return list;
                }
                case '"':
                    return ReadString();
                default:
                    return Literal();
            }
        }

        private string ReadString()
        {
            ++pos; // the opening quote
            StringBuilder b = new StringBuilder();
            while (pos < text.Length)
            {
                char c = text[pos++];
                if (c == '"')
                    return b.ToString();
                if (c != '\\')
                {
                    b.Append(c);
                    continue;
                }
                if (pos >= text.Length)
                    break;
                char e = text[pos++];
                switch (e)
                {
                    case '"': b.Append('"'); break;
                    case '\\': b.Append('\\'); break;
                    case '/': b.Append('/'); break;
                    case 'b': b.Append('\b'); break;
                    case 'f': b.Append('\f'); break;
                    case 'n': b.Append('\n'); break;
                    case 'r': b.Append('\r'); break;
                    case 't': b.Append('\t'); break;
                    case 'u':
                        int code;
                        if (pos + 4 > text.Length ||
                            !int.TryParse(text.Substring(pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
                            throw Error("bad \\u escape");
                        b.Append((char)code);
                        pos += 4;
                        break;
                    default:
                        throw Error("bad escape \\" + e);
                }
            }
            throw Error("unterminated string");
        }

        private object Literal()
        {
            int start = pos;
            while (pos < text.Length && ",]} \t\r\n".IndexOf(text[pos]) < 0)
                ++pos;
            string word = text.Substring(start, pos - start);
            switch (word)
            {
                case "null": return null;
                case "true": return true;
                case "false": return false;
            }
            double number;
            if (!double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
            {
                pos = start;
                throw Error("unexpected '" + word + "'");
            }
            return number;
        }
    }
}
