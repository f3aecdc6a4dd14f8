using System.Globalization;
using RagStack.Cli.Hosting;
using Spectre.Console;

namespace RagStack.Cli.Bench.Api;

/// <summary>Prints what <c>ragstack bench api</c> measured: one column per URL, or JSON with <c>--json</c>.</summary>
internal static class ApiBenchReport
{
    public static void Print(ApiBenchCommand.Settings settings, List<TargetResult> results)
    {
        var note = $"{settings.Runs} sequential runs per URL after one warm-up (streamed, then JSON); question \"{settings.Question}\", "
            + $"max {settings.MaxTokens} tokens"
            + (settings.Duration > 0
                ? $"; load: {settings.Concurrency} workers posting JSON asks back to back for {settings.Duration} s, requests in flight at the end finished and counted; "
                    + $"on 429 a worker waits the Retry-After, at most {AskReply.RetryAfterCap.TotalSeconds:0} s ({AskReply.RetryAfterCap.TotalSeconds:0} s when the header is missing), then asks again"
                : "; no load phase (--duration 0)")
            + $"; client on this machine, {Environment.ProcessorCount} cores.";
        var missing = results.Sum(r => r.Load?.TooManyWithoutRetryAfter ?? 0);
        if (missing > 0)
        {
            note += $" {missing} 429 responses came without a Retry-After header.";
        }

        if (settings.Json)
        {
            Output.Json(new { note, question = settings.Question, index = settings.Index, maxTokens = settings.MaxTokens, targets = results });
            return;
        }

        var table = new Table().Title("[bold]ragstack bench api[/]").AddColumn("measurement");
        foreach (var result in results)
        {
            table.AddColumn(new TableColumn(Markup.Escape(result.Label)).RightAligned());
        }

        Row(table, "TTFT, median (min–max)", results, r => r.Latency.TimeToFirstToken is { } t ? Escaped(SpreadText(t)) : "— (no token events)");
        Row(table, "total streamed, median (min–max)", results, r => Escaped(SpreadText(r.Latency.Streamed)));
        Row(table, "total JSON, median (min–max)", results, r => Escaped(SpreadText(r.Latency.Json)));
        if (settings.Duration > 0)
        {
            Row(table, "load: answers/s (200s)", results, r => Escaped($"{Rate(r.Load!.RequestsPerSecond)} ({r.Load.Ok:N0} in {r.Load.Seconds:F1} s)"));
            Row(table, "load: 429s/s", results, r => Escaped($"{Rate(r.Load!.TooManyPerSecond)} ({r.Load.TooManyRequests:N0})"));
            Row(table, "load: p50 / p95 (200s)", results, r => r.Load!.P50Ms is { } p50 ? Escaped($"{Ms(p50)} / {Ms(r.Load.P95Ms!.Value)}") : "—");
            Row(table, "load: errors", results, r => ErrorsText(r.Load!));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
        foreach (var result in results.Where(r => r.Load?.FirstError is not null && r.Load.HasErrors))
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(result.Label)}: first error under load: {Markup.Escape(result.Load!.FirstError!)}[/]");
        }
    }

    private static void Row(Table table, string name, List<TargetResult> results, Func<TargetResult, string> cell) =>
        table.AddRow([Markup.Escape(name), .. results.Select(cell)]);

    private static string ErrorsText(LoadResult load) => load.HasErrors
        ? $"[bold red]{load.ServerErrors:N0} × 5xx, {load.OtherStatuses:N0} other, {load.ConnectionErrors:N0} connection[/]"
        : "[green]none[/]";

    private static string Escaped(string text) => Markup.Escape(text);

    private static string SpreadText(Spread spread) =>
        $"{Ms(spread.MedianMs)} ({spread.MinMs.ToString("F1", CultureInfo.InvariantCulture)}–{spread.MaxMs.ToString("F1", CultureInfo.InvariantCulture)})";

    private static string Ms(double milliseconds) => milliseconds.ToString("F1", CultureInfo.InvariantCulture) + " ms";

    private static string Rate(double perSecond) => perSecond.ToString("F1", CultureInfo.InvariantCulture) + "/s";

}
