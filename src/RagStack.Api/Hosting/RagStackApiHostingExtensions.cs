using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Answering;
using RagStack.Api.Ask;
using RagStack.Api.Diagnostics;
using RagStack.Api.Documents;
using RagStack.Api.Generation;
using RagStack.Api.OpenAi;
using RagStack.Api.Problems;
using RagStack.Api.Search;
using RagStack.Api.Tenancy;
using RagStack.Documents;
using RagStack.Domains;
using RagStack.Onnx;
using RagStack.Retrieval;
using RagStack.Storage.Embedded;

namespace RagStack.Api;

/// <summary>Composes and maps the RAG service on the embedded defaults.</summary>
public static class RagStackApiHostingExtensions
{
    /// <summary>The address the service listens on when no URL is configured: loopback only, as there are no API keys yet.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5180";

    private const string DomainsSection = "RagStack:Domains";
    private const string VectorStoreKey = "RagStack:VectorStore";

    /// <summary>
    /// Adds the RAG service: the data folder's embedded store (<see cref="RagStackApiOptions.DataDirectory"/>), ONNX
    /// embeddings of the folder's model, ingestion, retrieval and answering, a llama.cpp generator when
    /// <c>RagStack:Model:Path</c> is set or an OpenAI-compatible model server when <c>RagStack:Model:Endpoint</c> is
    /// (else extractive answers), one bounded queue for questions (<c>RagStack:Api</c>), domains from <c>RagStack:Domains</c>, problem details,
    /// the OpenAPI document and health checks. Without a configured URL it listens on <see cref="DefaultUrl"/> (loopback).
    /// </summary>
    public static WebApplicationBuilder AddRagStackApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.Configuration.GetSection(RagStackApiOptions.Section).Get<RagStackApiOptions>() ?? new RagStackApiOptions();
        var folder = DataFolder.Open(DataFolder.Resolve(settings.DataDirectory));

        // The folder's settings file is read first, so the host's own configuration (appsettings, environment) wins.
        var folderSettings = new JsonConfigurationSource { Path = folder.SettingsFile, Optional = true, ReloadOnChange = false };
        folderSettings.ResolveFileProvider();
        builder.Configuration.Sources.Insert(0, folderSettings);
        RequireEmbeddedStore(builder.Configuration);
        var keys = builder.Configuration.GetSection(ApiKeysOptions.Section).Get<List<ApiKey>>() ?? [];
        ValidateKeys(keys);
        ListenOnLoopbackUnlessConfigured(builder, localMode: keys.Count == 0);
        RequestLog.AddRequestLog(builder);

        var services = builder.Services;
        services.AddOptions<RagStackApiOptions>()
            .BindConfiguration(RagStackApiOptions.Section)
            .Validate(o => o.Model.Path is not { Length: > 0 } path || File.Exists(path), "RagStack:Model:Path names no file; set it to a GGUF model, or leave it out for extractive answers.")
            .ValidateOnStart();
        services.AddRagStackEmbeddedStore(o => o.DataDirectory = folder.Path);
        services.AddRagStackOnnxEmbeddings(o => o.Model = folder.EmbeddingModel);
        services.AddRagStackGenerator(settings.Model);
        services.AddAskLimiter();

        var configuration = builder.Configuration;
        services.AddRagStack(domains: d => BindDomains(configuration, d));
        // Retrieval and answering settings (e.g. RagStack:Answering:ContextLength for a model server's window) come from configuration.
        services.AddOptions<RetrievalOptions>().BindConfiguration("RagStack:Retrieval");
        services.AddOptions<AnsweringOptions>().BindConfiguration("RagStack:Answering");
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        // An unreadable body reaches the exception handler, which says what was wrong, instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemExceptionHandler.Customize);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi();
        services.AddHealthChecks();
        services.Configure<ApiKeysOptions>(o =>
        {
            foreach (var key in keys)
            {
                o.Keys.Add(key);
            }
        });
        AddDocuments(services);
        return builder;
    }

    /// <summary>
    /// Maps the service's endpoints: <c>POST /api/search</c>, <c>POST /api/ask</c>, the OpenAI-compatible <c>/v1</c>
    /// (chat completions, models, embeddings), the OpenAPI document at
    /// <c>/openapi/v1.json</c> and <c>/health</c>; errors are answered as RFC 7807 problem details.
    /// </summary>
    public static WebApplication MapRagStackApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<RequestLog>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<ApiKeyAuthentication>();
        app.MapOpenApi();
        app.MapHealthChecks("/health");
        app.UseRateLimiter();
        var api = app.MapGroup("/api");
        api.MapSearchApi();
        api.MapAskApi();
        api.MapDocumentsApi();
        app.MapOpenAiApi();
        return app;
    }

    /// <summary>
    /// Binds <c>RagStack:Domains</c>; a misspelt setting (<c>Adaptor</c>) fails the start by name rather than answering
    /// silently with the base model.
    /// </summary>
    private static void BindDomains(IConfiguration configuration, DomainsOptions domains)
    {
        try
        {
            configuration.GetSection(DomainsSection).Bind(domains, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e) when (e.InnerException is { } inner)
        {
            throw new InvalidDataException($"{DomainsSection}: {inner.Message}", e);
        }
    }

    /// <summary>
    /// The durable ingestion queue and its worker, uploads (<c>RagStack:Uploads</c>) and the sample-corpus seed.
    /// </summary>
    private static void AddDocuments(IServiceCollection services)
    {
        services.AddOptions<UploadOptions>()
            .BindConfiguration(UploadOptions.Section)
            .Validate(o => o.MaxFileBytes > 0 && o.MaxRequestBytes >= o.MaxFileBytes && o.MaxFiles > 0,
                "RagStack:Uploads: MaxFileBytes and MaxFiles must be positive and MaxRequestBytes at least MaxFileBytes.")
            .Validate(o => IndexName.IsValid(o.SeedIndex), $"RagStack:Uploads:SeedIndex is not a valid index name; {IndexName.Rule}.")
            .ValidateOnStart();
        services.AddSingleton<UploadReader>();
        services.AddSingleton<IngestionSignal>();
        services.AddHostedService<IngestionWorker>();
    }

    /// <summary>
    /// The service runs on the embedded store only, for now: a request for another store (the AppHost's
    /// <c>--RagStack:VectorStore=qdrant</c>) stops the start rather than being quietly ignored.
    /// </summary>
    private static void RequireEmbeddedStore(IConfiguration configuration)
    {
        if (configuration[VectorStoreKey] is { Length: > 0 } store && !store.Equals("embedded", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"{VectorStoreKey} is '{store}', but this build of RagStack has only the embedded store (the Qdrant store is not written yet); " +
                $"leave {VectorStoreKey} unset or set it to 'embedded'.");
        }
    }

    /// <summary>Every key needs a secret and a tenant, and a secret names one tenant only.</summary>
    private static void ValidateKeys(List<ApiKey> keys)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(keys[i].Key) || string.IsNullOrWhiteSpace(keys[i].Tenant))
            {
                throw new InvalidDataException($"{ApiKeysOptions.Section}:{i}: both Key and Tenant must be set.");
            }
        }

        if (keys.GroupBy(k => k.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Select(k => k.Tenant).Distinct().Count() > 1) is { } shared)
        {
            throw new InvalidDataException($"{ApiKeysOptions.Section}: one key is given to tenants {string.Join(", ", shared.Select(k => k.Tenant).Distinct())}; a key names one tenant.");
        }
    }

    /// <summary>
    /// Binds <see cref="DefaultUrl"/> when no address is configured. In local mode (no API keys) a configured address must
    /// be a loopback one: the single-user service is never exposed to other machines by accident.
    /// </summary>
    private static void ListenOnLoopbackUnlessConfigured(WebApplicationBuilder builder, bool localMode)
    {
        var configuration = builder.Configuration;
        var configured = configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 }
            || configuration[WebHostDefaults.HttpPortsKey] is { Length: > 0 }
            || configuration[WebHostDefaults.HttpsPortsKey] is { Length: > 0 }
            || configuration.GetSection("Kestrel:Endpoints").Exists();
        if (!configured)
        {
            builder.WebHost.UseUrls(DefaultUrl);
            return;
        }

        if (localMode && NonLoopbackAddress(configuration) is { } exposed)
        {
            throw new InvalidOperationException(
                $"No API keys are configured, so RagStack runs in local single-user mode and listens on loopback only, but '{exposed}' was asked for. " +
                $"Configure {ApiKeysOptions.Section} to serve other machines, or listen on {DefaultUrl}.");
        }
    }

    private static string? NonLoopbackAddress(IConfiguration configuration)
    {
        if (configuration[WebHostDefaults.HttpPortsKey] is { Length: > 0 } || configuration[WebHostDefaults.HttpsPortsKey] is { Length: > 0 })
        {
            return $"all addresses on port {configuration[WebHostDefaults.HttpPortsKey] ?? configuration[WebHostDefaults.HttpsPortsKey]}";
        }

        var urls = (configuration[WebHostDefaults.ServerUrlsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"] ?? ""));
        foreach (var url in urls.Where(u => u.Length > 0))
        {
            var host = url.Split("://", 2) is [_, var rest] ? rest.Split('/')[0] : url;
            host = host.StartsWith('[') ? host[..(host.IndexOf(']') + 1)] : host.Split(':')[0];
            var loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));
            if (!loopback)
            {
                return url;
            }
        }

        return null;
    }
}
