using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace RagStack.Client.Tests;

/// <summary>
/// RagStack.Api on real Kestrel at a free loopback port, on a fresh data folder with no documents, two API keys (tenants
/// <c>acme</c> and <c>other</c>) and one domain (<c>legal</c>, index <c>contracts</c>); without a generator model, so answers are the
/// cited passages.
/// </summary>
public sealed class ApiServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string ApiKey = "client-tests-key";

    /// <summary>The key of a second tenant, <c>other</c>.</summary>
    public const string OtherApiKey = "client-tests-other-key";
    public const string LegalIndex = "contracts";

    /// <summary>A short lease the tests upload: two sections, each one fact.</summary>
    public const string Lease = """
        # Office lease

        ## Termination

        Either party may end this lease by giving three months' written notice to the other party.

        ## Rent

        Rent is paid monthly in advance, on the first working day of each month.
        """;

    private readonly string? _generatorModel;
    private readonly int? _prefixCacheEntries;

    public ApiServer() => UseKestrel();

    private ApiServer(string generatorModel, int? prefixCacheEntries)
        : this() => (_generatorModel, _prefixCacheEntries) = (generatorModel, prefixCacheEntries);

    /// <summary>The same service with a llama.cpp generator running <paramref name="generatorModel"/> (a GGUF file); start it with InitializeAsync.</summary>
    public static ApiServer WithGenerator(string generatorModel, int? prefixCacheEntries = null) => new(generatorModel, prefixCacheEntries);

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "ragstack-client-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>The service's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>A container with the typed client of this server registered as a user's app registers it.</summary>
    public ServiceProvider ClientServices(string? apiKey = ApiKey) => new ServiceCollection().AddRagStackClient(BaseUri, apiKey).BuildServiceProvider();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        builder.UseSetting("RagStack:DataDirectory", DataDirectory);
        builder.UseSetting("RagStack:ApiKeys:0:Key", ApiKey);
        builder.UseSetting("RagStack:ApiKeys:0:Tenant", "acme");
        builder.UseSetting("RagStack:ApiKeys:1:Key", OtherApiKey);
        builder.UseSetting("RagStack:ApiKeys:1:Tenant", "other");
        builder.UseSetting("RagStack:Domains:legal:Index", LegalIndex);
        if (_generatorModel is not null)
        {
            builder.UseSetting("RagStack:Generator:ModelPath", _generatorModel);
            if (_prefixCacheEntries is { } entries)
            {
                builder.UseSetting("RagStack:Generator:PrefixCacheEntries", entries.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    public Task InitializeAsync()
    {
        _ = BaseUri;
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file the store still maps is left for the OS to clean; the folder is in the temp directory.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiServerCollection : ICollectionFixture<ApiServer>
{
    public const string Name = "api server";
}
