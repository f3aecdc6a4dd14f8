using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Bench.Inference;

/// <summary>Options the model benchmarks share: threads, repetitions, where models are built, and output.</summary>
internal class ModelBenchSettings : CommandSettings
{
    [CommandOption("--threads <N>")]
    [Description("CPU threads. Default: every core.")]
    public int Threads { get; init; }

    [CommandOption("--repeat <N>")]
    [Description("Runs per measurement; the median is printed. Default: 3.")]
    [DefaultValue(3)]
    public int Repeat { get; init; } = 3;

    [CommandOption("--work-dir <DIR>")]
    [Description("Where synthetic and quantized models are built and kept between runs. Default: <data folder>/bench.")]
    public string? WorkDir { get; init; }

    [CommandOption("--json")]
    [Description("Print machine-readable JSON instead of tables.")]
    public bool Json { get; init; }

    /// <summary>The thread count in force.</summary>
    public int ResolveThreads() => Threads > 0 ? Threads : Environment.ProcessorCount;

    public override ValidationResult Validate() =>
        Repeat is < 1 or > 50 ? ValidationResult.Error("--repeat must be between 1 and 50.")
        : Threads < 0 ? ValidationResult.Error("--threads must be positive.")
        : ValidationResult.Success();
}

/// <summary>Medians of repeated runs; raw llama.cpp runs go on a thread of their own, as the chat client's decode loop does.</summary>
internal static class Measure
{
    public static double Median(int repeat, Func<double> run) => MedianOf(Enumerable.Range(0, repeat).Select(_ => OnDedicatedThread(run)).ToList());

    public static async Task<double> MedianAsync(int repeat, Func<Task<double>> run)
    {
        var values = new List<double>();
        for (var i = 0; i < repeat; i++)
        {
            values.Add(await run());
        }

        return MedianOf(values);
    }

    public static double MedianOf(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }

    /// <summary>
    /// Runs a raw measurement on its own thread, as the chat client's decode loop runs on its own thread, so neither side
    /// decodes from a thread-pool thread that other work may share.
    /// </summary>
    public static T OnDedicatedThread<T>(Func<T> run)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = run();
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        { Name = "raw llama.cpp loop" };
        thread.Start();
        thread.Join();
        return error is null ? result : throw new InvalidOperationException("The raw loop failed.", error);
    }

    /// <summary>Tables are wider than the 80 columns Spectre assumes when output is piped to a file.</summary>
    public static void WidenPipedOutput()
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 150);
        }
    }
}
