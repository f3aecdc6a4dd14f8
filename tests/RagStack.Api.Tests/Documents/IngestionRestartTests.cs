using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Documents;
using RagStack.Ingestion;
using RagStack.Storage;
using RagStack.Storage.Embedded;
using static RagStack.Api.Tests.ApiClient;

namespace RagStack.Api.Tests.Documents;

/// <summary>The ingestion queue is durable: what was accepted is ingested after a restart, once.</summary>
public sealed class IngestionRestartTests : IDisposable
{
    private readonly TemporaryFolder _dataFolder = new("ragstack-api-restart-");

    public void Dispose()
    {
        _dataFolder.Dispose();
    }

    [Fact]
    public async Task A_job_a_stopped_process_left_running_is_resumed_at_start_and_ingested_once()
    {
        string documentId;
        await using (var store = await EmbeddedStore.OpenAsync(new EmbeddedStoreOptions { DataDirectory = _dataFolder.FullName }))
        {
            var hash = await store.Blobs.PutAsync(new MemoryStream(Encoding.UTF8.GetBytes("# Heron\n\nGrey herons nest in colonies called heronries, high in the trees.")));
            documentId = DocumentIds.ForDocument("local", "birds", "heron.md");
            await store.IngestionQueue.EnqueueAsync([new DocumentRecord
            {
                Id = documentId, Index = "birds", Tenant = "local", Name = "heron.md", ContentHash = hash, ContentType = "text/markdown",
            }]);
            var taken = await store.IngestionQueue.TakeAsync(10);
            Assert.Single(taken);
        }

        await using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("RagStack:DataDirectory", _dataFolder.FullName));
        var client = api.CreateClient();

        var done = await Uploads.WaitUntilDoneAsync(client, $"/api/indexes/birds/documents/{documentId}");

        Assert.Equal("ready", done.GetProperty("status").GetString());
        var queue = api.Services.GetRequiredService<IIngestionQueue>();
        Assert.Equal(0, await queue.CountAsync());
        var chunks = await api.Services.GetRequiredService<IChunkStore>().GetDocumentChunksAsync("local", "birds", documentId);
        Assert.Equal(done.GetProperty("chunkCount").GetInt32(), chunks.Count);
        Assert.Equal(chunks.Count, chunks.Select(c => c.Position).Distinct().Count());
    }

    [Fact]
    public async Task A_document_whose_ingestion_was_interrupted_three_times_is_marked_failed_not_tried_forever()
    {
        var documentId = DocumentIds.ForDocument("local", "birds", "crasher.md");
        await using (var store = await EmbeddedStore.OpenAsync(new EmbeddedStoreOptions { DataDirectory = _dataFolder.FullName }))
        {
            var hash = await store.Blobs.PutAsync(new MemoryStream(Encoding.UTF8.GetBytes("# Crasher\n\nPretend this file ends the process.")));
            await store.IngestionQueue.EnqueueAsync([new DocumentRecord
            {
                Id = documentId, Index = "birds", Tenant = "local", Name = "crasher.md", ContentHash = hash, ContentType = "text/markdown",
            }]);
            for (var run = 0; run < 3; run++)
            {
                Assert.Single(await store.IngestionQueue.TakeAsync(10));
                await store.IngestionQueue.RequeueInterruptedAsync();
            }
        }

        await using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("RagStack:DataDirectory", _dataFolder.FullName));

        var done = await Uploads.WaitUntilDoneAsync(api.CreateClient(), $"/api/indexes/birds/documents/{documentId}");

        Assert.Equal("failed", done.GetProperty("status").GetString());
        Assert.Contains("interrupted 3 times", done.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await api.Services.GetRequiredService<IIngestionQueue>().CountAsync());
    }

    [Fact]
    public async Task A_killed_service_process_loses_no_accepted_upload()
    {
        var files = Enumerable.Range(1, 3).Select(i => ($"note-{i}.md", $"# Note {i}\n\nLighthouse keeper number {i} polished the lens at dawn on day {i * 7}.")).ToArray();
        var ids = new List<string>();
        using (var first = await ServiceProcess.StartAsync(_dataFolder.FullName))
        {
            var (response, body) = await Uploads.PostAsync(first.Client, "notes", files);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            first.Kill();
            ids.AddRange(body.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("id").GetString()!));
        }

        using var second = await ServiceProcess.StartAsync(_dataFolder.FullName);
        foreach (var id in ids)
        {
            var done = await Uploads.WaitUntilDoneAsync(second.Client, $"/api/indexes/notes/documents/{id}");
            Assert.Equal("ready", done.GetProperty("status").GetString());
        }

        var list = await second.Client.GetFromJsonAsync<JsonElement>("/api/indexes/notes/documents");
        Assert.Equal(files.Select(f => f.Item1), list.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        var (_, search) = await PostAsync(second.Client, "/api/search", new { query = "lighthouse keeper lens dawn", index = "notes", top = 10 });
        Assert.Equal(3, search.GetProperty("results").GetArrayLength());
    }

    /// <summary>The service as its own process (the built RagStack.Api.dll), so a test can kill it like a crash would.</summary>
    private sealed class ServiceProcess : IDisposable
    {
        private readonly Process _process;

        private ServiceProcess(Process process, HttpClient client)
        {
            _process = process;
            Client = client;
        }

        public HttpClient Client { get; }

        public static async Task<ServiceProcess> StartAsync(string dataDirectory)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "RagStack.Api.dll")])
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["RagStack__DataDirectory"] = dataDirectory;
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                try
                {
                    using var health = await client.GetAsync("/health");
                    if (health.IsSuccessStatusCode)
                    {
                        return new ServiceProcess(process, client);
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    process.Kill(entireProcessTree: true);
                    throw new InvalidOperationException($"The service did not start (exit code {(process.HasExited ? process.ExitCode : -1)}).");
                }

                await Task.Delay(200);
            }
        }

        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            _process.Dispose();
            Client.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
