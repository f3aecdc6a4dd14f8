using System.ClientModel;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Models;
using RagStack.Ingestion;

namespace RagStack.Api.Tests.OpenAi;

/// <summary>The service on real Kestrel with an API key per tenant, and a document in each tenant's own index.</summary>
public sealed class KeyedKestrelApiFixture : KestrelApiFixture
{
    public const string AcmeKey = "acme-key-0123456789";
    public const string GlobexKey = "globex-key-0123456789";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("RagStack:ApiKeys:0:Key", AcmeKey);
        builder.UseSetting("RagStack:ApiKeys:0:Tenant", "acme");
        builder.UseSetting("RagStack:ApiKeys:1:Key", GlobexKey);
        builder.UseSetting("RagStack:ApiKeys:1:Tenant", "globex");
    }

    /// <summary>Ingests the tenant's one document (re-ingesting the same bytes is a no-op).</summary>
    public async Task IngestAsync(string tenant, string index, string text)
    {
        var result = await Services.GetRequiredService<IDocumentIngestor>().IngestAsync(new IngestRequest
        {
            Name = tenant + ".md",
            Index = index,
            Tenant = tenant,
            OpenContent = () => new MemoryStream(Encoding.UTF8.GetBytes(text)),
        });
        Assert.NotEqual(IngestOutcome.Failed, result.Outcome);
    }
}

/// <summary>OpenAI clients send their API key as a bearer token: the key chooses the tenant whose indexes are the models.</summary>
public sealed class TenantKeysTests(KeyedKestrelApiFixture api) : IClassFixture<KeyedKestrelApiFixture>
{
    private OpenAIClientOptions Options => new() { Endpoint = api.V1 };

    [Fact]
    public async Task Each_key_sees_and_asks_its_own_tenant_indexes_only()
    {
        await api.IngestAsync("acme", "acme-plans", "# Plan\n\n## Launch\n\nAcme launches the rocket skates in March.");
        await api.IngestAsync("globex", "globex-plans", "# Plan\n\n## Launch\n\nGlobex launches the doomsday device in May.");

        OpenAIModelCollection acmeModels = await new OpenAIModelClient(new ApiKeyCredential(KeyedKestrelApiFixture.AcmeKey), Options).GetModelsAsync();
        ChatCompletion acme = await new ChatClient("acme-plans", new ApiKeyCredential(KeyedKestrelApiFixture.AcmeKey), Options).CompleteChatAsync([new UserChatMessage("When does Acme launch the rocket skates?")]);
        var foreign = await Assert.ThrowsAsync<ClientResultException>(() =>
            new ChatClient("acme-plans", new ApiKeyCredential(KeyedKestrelApiFixture.GlobexKey), Options).CompleteChatAsync([new UserChatMessage("When does Acme launch?")]));
        var anonymous = await Assert.ThrowsAsync<ClientResultException>(() =>
            new ChatClient("acme-plans", new ApiKeyCredential("not-a-key"), Options).CompleteChatAsync([new UserChatMessage("When does Acme launch?")]));

        Assert.Contains("acme-plans", acmeModels.Select(m => m.Id));
        Assert.DoesNotContain("globex-plans", acmeModels.Select(m => m.Id));
        Assert.Contains("rocket skates in March", string.Concat(acme.Content.Select(p => p.Text)), StringComparison.Ordinal);
        Assert.Equal(404, foreign.Status);
        Assert.Equal(401, anonymous.Status);
        // OpenAI's error shape, whose message OpenAI clients show.
        var error = System.Text.Json.JsonDocument.Parse(anonymous.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error");
        Assert.Contains("not one this service knows", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
    }
}
