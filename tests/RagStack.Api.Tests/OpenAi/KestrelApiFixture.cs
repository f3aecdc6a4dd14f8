using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace RagStack.Api.Tests.OpenAi;

/// <summary>
/// The service on real Kestrel at a free loopback port, as OpenAI SDKs and Semantic Kernel reach it, with the
/// <see cref="ApiFixture"/> documents; without a generator model, so answers are the cited passages.
/// </summary>
public class KestrelApiFixture : ApiFixture
{
    public KestrelApiFixture() => UseKestrel();

    /// <summary>The service's OpenAI base URL, e.g. <c>http://127.0.0.1:41234/v1</c>.</summary>
    public Uri V1 => new(new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/v1");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
    }

    /// <summary>The documents named in a completion's (or final chunk's) <c>sources</c> extension field, in citation order.</summary>
    public static IReadOnlyList<string> SourceDocuments(JsonElement completion) =>
        [.. completion.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("document").GetString()!)];
}

[CollectionDefinition(Name)]
public sealed class KestrelApiCollection : ICollectionFixture<KestrelApiFixture>
{
    public const string Name = "api on kestrel";
}
