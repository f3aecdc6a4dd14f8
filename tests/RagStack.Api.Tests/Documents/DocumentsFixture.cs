using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RagStack.Api.Tests.Documents;

/// <summary>
/// The service in process on a fresh data folder with two API keys (tenants <c>acme</c> and <c>globex</c>) and a small
/// file size limit, so uploads, tenancy and limits can be tried against the real pipeline and store.
/// </summary>
public sealed class DocumentsFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AcmeKey = "acme-secret-key";
    public const string GlobexKey = "globex-secret-key";
    public const long MaxFileBytes = 64 * 1024;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "ragstack-api-documents-" + Guid.NewGuid().ToString("N"));

    /// <summary>The blob folder's files (originals and temp files), to check that a refused upload left nothing behind.</summary>
    public IReadOnlyList<string> BlobFiles() =>
        Directory.Exists(Path.Combine(DataDirectory, "blobs"))
            ? [.. Directory.EnumerateFiles(Path.Combine(DataDirectory, "blobs"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)]
            : [];

    public HttpClient Client(string? key)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("RagStack:DataDirectory", DataDirectory);
        builder.UseSetting("RagStack:ApiKeys:0:Key", AcmeKey);
        builder.UseSetting("RagStack:ApiKeys:0:Tenant", "acme");
        builder.UseSetting("RagStack:ApiKeys:1:Key", GlobexKey);
        builder.UseSetting("RagStack:ApiKeys:1:Tenant", "globex");
        builder.UseSetting("RagStack:Uploads:MaxFileBytes", MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public Task InitializeAsync() => Task.CompletedTask;

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
