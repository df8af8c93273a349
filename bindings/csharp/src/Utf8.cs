// UTF-8 marshaling: managed strings to NUL-terminated UTF-8 for the C ABI, and library strings back.
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Braid
{
    internal static class Utf8
    {
        private static readonly UTF8Encoding Strict = new UTF8Encoding(false, false); // lone surrogates become U+FFFD

        /// <summary>NUL-terminated UTF-8 bytes of <paramref name="text"/> (null for null).</summary>
        internal static byte[] Bytes(string text)
        {
            if (text == null)
                return null;
            byte[] bytes = new byte[Strict.GetByteCount(text) + 1];
            Strict.GetBytes(text, 0, text.Length, bytes, 0);
            return bytes;
        }

        /// <summary>The NUL-terminated UTF-8 text at <paramref name="text"/> (null for IntPtr.Zero).</summary>
        internal static unsafe string Read(IntPtr text)
        {
            if (text == IntPtr.Zero)
                return null;
            byte* p = (byte*)text;
            int length = 0;
            while (p[length] != 0)
                ++length;
            return Strict.GetString(p, length);
        }

        /// <summary>The <paramref name="length"/> bytes of UTF-8 text at <paramref name="text"/>.</summary>
        internal static unsafe string Read(IntPtr text, int length)
        {
            return length == 0 ? "" : Strict.GetString((byte*)text, length);
        }

        /// <summary>Reads a library string and frees it.</summary>
        internal static string Take(IntPtr text)
        {
            try
            {
                return Read(text);
            }
            finally
            {
                NativeMethods.braid_string_free(text);
            }
        }

        /// <summary>UTF-8 text of <paramref name="bytes"/> (invalid sequences become U+FFFD).</summary>
        internal static string Decode(byte[] bytes, int length)
        {
            return Strict.GetString(bytes, 0, length);
        }

        /// <summary>Unmanaged NUL-terminated UTF-8 copies of strings, freed on Dispose.</summary>
        internal sealed class Array : IDisposable
        {
            internal readonly IntPtr[] Pointers;

            internal Array(string[] texts)
            {
                Pointers = new IntPtr[texts.Length];
                try
                {
                    for (int i = 0; i < texts.Length; ++i)
                        Pointers[i] = Copy(texts[i]);
                }
                catch
                {
                    Dispose();
                    throw;
                }
            }

            private static IntPtr Copy(string text)
            {
                if (text == null)
                    return IntPtr.Zero;
                byte[] bytes = Bytes(text);
                IntPtr p = Marshal.AllocHGlobal(bytes.Length);
                Marshal.Copy(bytes, 0, p, bytes.Length);
                return p;
            }

            public void Dispose()
            {
                for (int i = 0; i < Pointers.Length; ++i)
                {
                    if (Pointers[i] != IntPtr.Zero)
                        Marshal.FreeHGlobal(Pointers[i]);
                    Pointers[i] = IntPtr.Zero;
                }
            }
        }
    }
}
