using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using RagStack.Client.Tests;
using RagStack.Onnx;
using RagStack.Storage.Embedded;
using RagStack.Testing;

namespace RagStack.SemanticKernel.Tests;

/// <summary>
/// Two RagStacks holding the same lease: one in this process (the real pipeline on an embedded store with ONNX
/// embeddings, through the local client) and one behind the real API on loopback (through the typed client), each
/// with a kernel built as a user's app builds it: <c>builder.Services.AddRagStackPlugins()</c>.
/// </summary>
public sealed class Stacks : IAsyncLifetime
{
    public const string Local = "local";
    public const string Remote = "remote";
    public const string LeaseName = "lease.md";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ragstack-sk-local-");
    private readonly Dictionary<string, (Kernel Kernel, IRagStackClient Client)> _stacks = [];

    public ApiServer Server { get; } = new();

    public Kernel Kernel(string stack) => _stacks[stack].Kernel;

    public IRagStackClient Client(string stack) => _stacks[stack].Client;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)Server).InitializeAsync();
        var local = Microsoft.SemanticKernel.Kernel.CreateBuilder();
        local.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        local.Services.AddRagStack(TestConfiguration.For(_folder.FullName)).AddEmbeddedStore().AddOnnxEmbeddings().AddLocalClient();
        local.Services.AddRagStackPlugins();
        var remote = Microsoft.SemanticKernel.Kernel.CreateBuilder();
        remote.Services.AddRagStackClient(Server.BaseUri, ApiServer.ApiKey);
        remote.Services.AddRagStackPlugins();
        foreach (var (name, builder) in new[] { (Local, local), (Remote, remote) })
        {
            var kernel = builder.Build();
            var client = kernel.Services.GetRequiredService<IRagStackClient>();
            var receipt = (await client.UploadAsync("default", [DocumentUpload.FromText(LeaseName, ApiServer.Lease)]))[0];
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var document = await client.WaitForDocumentAsync("default", receipt.Id, cancellationToken: timeout.Token);
            Assert.True(document.Status == Documents.DocumentStatus.Ready, $"{name}: {document.Status} {document.Error}");
            _stacks[name] = (kernel, client);
        }
    }

    public async Task DisposeAsync()
    {
        if (_stacks.TryGetValue(Local, out var local) && local.Kernel.Services is IAsyncDisposable services)
        {
            await services.DisposeAsync();
        }

        await ((IAsyncLifetime)Server).DisposeAsync();
        _folder.Delete(recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class StacksCollection : ICollectionFixture<Stacks>
{
    public const string Name = "stacks";
}
