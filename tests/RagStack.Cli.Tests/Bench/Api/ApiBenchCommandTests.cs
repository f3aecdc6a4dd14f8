using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RagStack.Cli.Tests.Bench.Api;

/// <summary><c>ragstack bench api</c>, the real executable, against <see cref="FakeRagService"/> on real Kestrel on loopback.</summary>
public sealed class ApiBenchCommandTests
{
    private const int Runs = 3;

    [Fact]
    public async Task Each_url_gets_its_own_timings_and_the_load_counts_match_what_its_service_answered()
    {
        await using var inProcess = await FakeRagService.StartAsync(slots: 1, answerTime: TimeSpan.FromMilliseconds(200), apiKey: "s3cret");
        await using var appHost = await FakeRagService.StartAsync(slots: 2, answerTime: TimeSpan.FromMilliseconds(150), apiKey: "s3cret");
        using var cli = new CliProcess();

        var report = await cli.JsonAsync("bench", "api", "--url", inProcess.Url, "--label", "in-process", "--url", appHost.Url, "--label", "apphost",
            "--api-key", "s3cret", "--runs", Runs.ToString(), "--concurrency", "4", "--duration", "2");

        var targets = report.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(["in-process", "apphost"], targets.Select(t => t.GetProperty("label").GetString()));
        foreach (var (target, service) in targets.Zip([inProcess, appHost]))
        {
            Assert.Equal(service.Url, target.GetProperty("url").GetString());
            var latency = target.GetProperty("latency");
            var firstToken = latency.GetProperty("timeToFirstToken").GetProperty("medianMs").GetDouble();
            var streamed = latency.GetProperty("streamed");
            // The fake pauses before its first token and between tokens, so the first token comes strictly before the end.
            Assert.InRange(firstToken, double.Epsilon, streamed.GetProperty("medianMs").GetDouble());
            Assert.True(firstToken < streamed.GetProperty("medianMs").GetDouble());
            Assert.InRange(latency.GetProperty("timeToFirstToken").GetProperty("maxMs").GetDouble(), firstToken, streamed.GetProperty("maxMs").GetDouble());
            Assert.True(latency.GetProperty("json").GetProperty("medianMs").GetDouble() > 0);

            // The warm-up asks once each way before the counted runs; the load phase asks as JSON only.
            Assert.Equal(Runs + 1, service.StreamedAnswers);
            var load = target.GetProperty("load");
            Assert.Equal(service.JsonAnswers - (Runs + 1), load.GetProperty("ok").GetInt32());
            Assert.Equal(service.TooManyRequests, load.GetProperty("tooManyRequests").GetInt32());
            Assert.True(service.TooManyRequests > 0, "four workers on fewer slots must have been refused at least once");
            Assert.True(load.GetProperty("ok").GetInt32() > 0);
            Assert.Equal(0, load.GetProperty("tooManyWithoutRetryAfter").GetInt32());
            Assert.Equal(0, load.GetProperty("serverErrors").GetInt32() + load.GetProperty("otherStatuses").GetInt32() + load.GetProperty("connectionErrors").GetInt32());
            var seconds = load.GetProperty("seconds").GetDouble();
            Assert.True(seconds >= 2);
            Assert.Equal(load.GetProperty("ok").GetInt32() / seconds, load.GetProperty("requestsPerSecond").GetDouble(), 6);
            Assert.InRange(load.GetProperty("p50Ms").GetDouble(), 100, load.GetProperty("p95Ms").GetDouble());
        }

        // The slower, narrower service answers fewer asks a second.
        Assert.True(Rps(targets[0]) < Rps(targets[1]), $"in-process {Rps(targets[0])}/s, apphost {Rps(targets[1])}/s");
    }

    [Fact]
    public async Task Server_errors_under_load_are_counted_and_shown_in_the_table()
    {
        // The warm-up and the counted runs get good answers; every load ask after them gets 500.
        await using var service = await FakeRagService.StartAsync(slots: 8, answerTime: TimeSpan.FromMilliseconds(50), jsonAnswersBeforeFailing: Runs + 1);
        using var cli = new CliProcess();

        var (exitCode, output, error) = await cli.RunAsync("bench", "api", "--url", service.Url, "--label", "failing", "--runs", Runs.ToString(), "--concurrency", "2", "--duration", "1");

        Assert.True(exitCode == 0, error);
        Assert.True(service.ServerErrors > 0);
        var text = Regex.Replace(output, @"\s+", " "); // the table and the note wrap at the console's width
        Assert.Contains($"{service.ServerErrors} × 5xx, 0 other, 0 connection", text, StringComparison.Ordinal);
        Assert.Contains("failing: first error under load: 500 Internal Server Error: The generator is gone.", text, StringComparison.Ordinal);
        Assert.Contains("waits the Retry-After, at most 1 s", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_url_gives_one_error_line_and_exit_code_1()
    {
        var url = $"http://127.0.0.1:{ClosedPort()}";
        using var cli = new CliProcess();

        var (exitCode, _, error) = await cli.RunAsync("bench", "api", "--url", url, "--duration", "0");

        Assert.Equal(1, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {url}: ", line, StringComparison.Ordinal);
        Assert.Contains("refused", line, StringComparison.OrdinalIgnoreCase);
    }

    private static double Rps(JsonElement target) => target.GetProperty("load").GetProperty("requestsPerSecond").GetDouble();

    /// <summary>A loopback port that nothing listens on: bound by the system, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
