// The exception hierarchy of the binding: one class per status, all BraidException.
using System;

namespace Braid
{
    /// <summary>The base of every error braid reports: the status of the failed call and braid's message.</summary>
    public class BraidException : Exception
    {
        /// <summary>An error of kind <paramref name="status"/>.</summary>
        public BraidException(Status status, string message) : base(message) { Status = status; }

        /// <summary>The kind of failure.</summary>
        public Status Status { get; private set; }
    }

    /// <summary>An unusable argument (null, out of range, wrong shape).</summary>
    public class InvalidArgumentException : BraidException { /** <summary>See BraidException.</summary> */ public InvalidArgumentException(Status s, string m) : base(s, m) { } }
    /// <summary>Text (JSON, model output, a template) could not be parsed.</summary>
    public class ParseException : BraidException { /** <summary>See BraidException.</summary> */ public ParseException(Status s, string m) : base(s, m) { } }
    /// <summary>A file could not be read or written.</summary>
    public class BraidIOException : BraidException { /** <summary>See BraidException.</summary> */ public BraidIOException(Status s, string m) : base(s, m) { } }
    /// <summary>A model or tokenizer file is malformed, truncated or hostile.</summary>
    public class ModelFormatException : BraidException { /** <summary>See BraidException.</summary> */ public ModelFormatException(Status s, string m) : base(s, m) { } }
    /// <summary>Valid input that braid does not (yet) handle.</summary>
    public class UnsupportedException : BraidException { /** <summary>See BraidException.</summary> */ public UnsupportedException(Status s, string m) : base(s, m) { } }
    /// <summary>An allocation did not fit.</summary>
    public class BraidOutOfMemoryException : BraidException { /** <summary>See BraidException.</summary> */ public BraidOutOfMemoryException(Status s, string m) : base(s, m) { } }
    /// <summary>A compute device failed or is missing.</summary>
    public class DeviceException : BraidException { /** <summary>See BraidException.</summary> */ public DeviceException(Status s, string m) : base(s, m) { } }
    /// <summary>The run was cancelled (a token, or a callback asked to stop).</summary>
    public class CancelledException : BraidException { /** <summary>See BraidException.</summary> */ public CancelledException(Status s, string m) : base(s, m) { } }
    /// <summary>The run's deadline passed.</summary>
    public class BraidTimeoutException : BraidException { /** <summary>See BraidException.</summary> */ public BraidTimeoutException(Status s, string m) : base(s, m) { } }
    /// <summary>A tool call failed or had invalid arguments.</summary>
    public class ToolException : BraidException { /** <summary>See BraidException.</summary> */ public ToolException(Status s, string m) : base(s, m) { } }
    /// <summary>A prompt or chat template failed to render.</summary>
    public class TemplateException : BraidException { /** <summary>See BraidException.</summary> */ public TemplateException(Status s, string m) : base(s, m) { } }
    /// <summary>A value did not satisfy a schema or the shape a step needs.</summary>
    public class ValidationException : BraidException { /** <summary>See BraidException.</summary> */ public ValidationException(Status s, string m) : base(s, m) { } }
    /// <summary>A named thing (key, variable, token) does not exist.</summary>
    public class NotFoundException : BraidException { /** <summary>See BraidException.</summary> */ public NotFoundException(Status s, string m) : base(s, m) { } }
    /// <summary>A bug in braid: please report it with the message.</summary>
    public class InternalException : BraidException { /** <summary>See BraidException.</summary> */ public InternalException(Status s, string m) : base(s, m) { } }
    /// <summary>A callback failed with an exception that is not a BraidException (its type and message are in the message).</summary>
    public class CallbackException : BraidException { /** <summary>See BraidException.</summary> */ public CallbackException(Status s, string m) : base(s, m) { } }
}
