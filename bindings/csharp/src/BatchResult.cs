namespace Braid
{
    /// <summary>The outcome of one item of <see cref="Runnable.BatchResults"/>.</summary>
    public sealed class BatchResult
    {
        private readonly string output;

        internal BatchResult(string output, Status status, string error)
        {
            this.output = output;
            Status = status;
            Error = error;
        }

        /// <summary>True when the item succeeded.</summary>
        public bool Ok { get { return Status == Status.Ok; } }
        /// <summary>The item's status.</summary>
        public Status Status { get; private set; }
        /// <summary>The error message, or null.</summary>
        public string Error { get; private set; }

        /// <summary>The output (JSON text); throws the item's exception when it failed.</summary>
        public string Output
        {
            get
            {
                if (!Ok)
                    throw Ensure.Exception((int)Status, Error);
                return output;
            }
        }
    }
}
