extern alias api;
extern alias web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace RagStack.Web.Tests;

/// <summary>RagStack.Api on real Kestrel at a free loopback port, on its own data folder; with a llama.cpp generator when given a GGUF model, else extractive.</summary>
public sealed class ApiHost : WebApplicationFactory<api::Program>
{
    private readonly string _dataDirectory;
    private readonly string? _generatorModel;

    public ApiHost(string dataDirectory, string? generatorModel)
    {
        _dataDirectory = dataDirectory;
        _generatorModel = generatorModel;
        UseKestrel();
    }

    public Uri BaseUri => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        builder.UseSetting("RagStack:DataDirectory", _dataDirectory);
        if (_generatorModel is not null)
        {
            builder.UseSetting("RagStack:Generator:ModelPath", _generatorModel);
        }
    }
}

/// <summary>The web app on real Kestrel at a free loopback port, talking to the API at the given address through the typed client.</summary>
public sealed class WebHost : WebApplicationFactory<web::Program>
{
    private readonly Uri _api;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="api">The API's address.</param>
    /// <param name="services">More services for the web app (a measurement's probe), or none.</param>
    public WebHost(Uri api, Action<IServiceCollection>? services = null)
    {
        _api = api;
        _services = services;
        UseKestrel();
    }

    public Uri BaseUri => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        builder.UseSetting("RagStack:Web:ApiUrl", _api.AbsoluteUri);
        builder.UseSetting("RagStack:Web:DefaultIndex", "default");
        // A small limit, so a test can show a file refused for its size before it is sent.
        builder.UseSetting("RagStack:Web:MaxUploadBytes", "2000000");
        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }
}
