// Ends the process while a C# log sink is set and two threads keep logging (the csharp.log_exit ctests run it):
// it must end cleanly, not abort in braid's exit-time destruction of the sink. Not an NUnit fixture: the runtime
// shutting down is the test.
using System;
using System.IO;
using System.Threading;
using Braid;

public static class LogExitProbe
{
    /// <summary>args: how to end ("return" or "exit"), then the test data folder.</summary>
    public static int Main(string[] args)
    {
        int messages = 0;
        Library.SetLogSink((level, component, message) => Interlocked.Increment(ref messages), LogLevel.Info);
        Model model = Model.Load(Path.Combine(args[1], "models/stories260K.gguf"));
        for (int t = 0; t < 2; ++t)
        {
            var logging = new Thread(() =>
            {
                for (;;)
                    model.NewContext(new ContextOptions { Backend = Backend.Cpu, NCtx = 64 }).Dispose(); // one message each
            });
            logging.IsBackground = true;
            logging.Start();
        }
        while (Volatile.Read(ref messages) < 20)
            Thread.Sleep(10);
        Console.WriteLine("log exit probe: " + Volatile.Read(ref messages) + " messages, ending by " + args[0]);
        if (args[0] == "exit")
            Environment.Exit(0);
        return 0;
    }
}
