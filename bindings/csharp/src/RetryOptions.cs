namespace Braid
{
    /// <summary>How <see cref="Runnable.WithRetry"/> retries. Defaults: 3 attempts, 100 ms doubling up to 10 s, jitter, most errors.</summary>
    public sealed class RetryOptions
    {
        /// <summary>Attempts in all (at least 1).</summary>
        public int MaxAttempts { get; set; }
        /// <summary>Wait before the second attempt, in milliseconds.</summary>
        public int InitialDelayMilliseconds { get; set; }
        /// <summary>Longest wait, in milliseconds.</summary>
        public int MaxDelayMilliseconds { get; set; }
        /// <summary>Growth of the wait per attempt (at least 1).</summary>
        public double Multiplier { get; set; }
        /// <summary>Randomize the waits.</summary>
        public bool Jitter { get; set; }
        /// <summary>The failures retried (empty = every failure but cancelled and timeout).</summary>
        public Status[] RetryOn { get; set; }

        /// <summary>The default options.</summary>
        public RetryOptions()
        {
            MaxAttempts = 3;
            InitialDelayMilliseconds = 100;
            MaxDelayMilliseconds = 10000;
            Multiplier = 2.0;
            Jitter = true;
            RetryOn = new Status[0];
        }
    }
}
