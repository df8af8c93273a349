// The one place that turns a status into an exception (libgit2sharp's Ensure pattern).
using System;

namespace Braid
{
    internal static class Ensure
    {
        /// <summary>Throws the exception of <paramref name="status"/> with braid_last_error() unless it is OK.</summary>
        internal static void Ok(int status)
        {
            if (status != (int)Status.Ok)
                throw Exception(status, Utf8.Read(NativeMethods.braid_last_error()));
        }

        /// <summary>The exception for a failed call.</summary>
        internal static BraidException Exception(int code, string message)
        {
            Status s = (Status)code;
            switch (s)
            {
                case Status.InvalidArgument: return new InvalidArgumentException(s, message);
                case Status.Parse: return new ParseException(s, message);
                case Status.Io: return new BraidIOException(s, message);
                case Status.ModelFormat: return new ModelFormatException(s, message);
                case Status.Unsupported: return new UnsupportedException(s, message);
                case Status.OutOfMemory: return new BraidOutOfMemoryException(s, message);
                case Status.Device: return new DeviceException(s, message);
                case Status.Cancelled: return new CancelledException(s, message);
                case Status.Timeout: return new BraidTimeoutException(s, message);
                case Status.Tool: return new ToolException(s, message);
                case Status.Template: return new TemplateException(s, message);
                case Status.Validation: return new ValidationException(s, message);
                case Status.NotFound: return new NotFoundException(s, message);
                case Status.Internal: return new InternalException(s, message);
                case Status.Callback: return new CallbackException(s, message);
                default: return new InternalException(Status.Internal, "unexpected status " + code + ": " + message);
            }
        }

        /// <summary>Throws ObjectDisposedException-free argument checks as braid does: InvalidArgumentException.</summary>
        internal static void NotNull(object value, string name)
        {
            if (value == null)
                throw new InvalidArgumentException(Status.InvalidArgument, name + " is null");
        }
    }
}
