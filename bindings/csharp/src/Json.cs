using System.Text;

namespace Braid
{
    /// <summary>Small helpers for writing JSON text by hand (the binding passes values as JSON text).</summary>
    public static class Json
    {
        /// <summary><paramref name="text"/> as a JSON string literal, quoted and escaped.</summary>
        public static string Quote(string text)
        {
            StringBuilder b = new StringBuilder(text.Length + 2).Append('"');
            foreach (char c in text)
            {
                switch (c)
                {
                    case '"': b.Append("\\\""); break;
                    case '\\': b.Append("\\\\"); break;
                    case '\n': b.Append("\\n"); break;
                    case '\r': b.Append("\\r"); break;
                    case '\t': b.Append("\\t"); break;
                    default:
                        if (c < 0x20)
                            b.Append("\\u").Append(((int)c).ToString("x4"));
                        else
                            b.Append(c);
                        break;
                }
            }
            return b.Append('"').ToString();
        }
    }
}
