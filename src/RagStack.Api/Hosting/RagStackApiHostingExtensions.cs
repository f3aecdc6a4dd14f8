using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.Api.Ask;
using RagStack.Api.Diagnostics;
using RagStack.Api.Documents;
using RagStack.Api.Conversations;
using RagStack.Api.Generation;
using RagStack.Api.OpenAi;
using RagStack.Api.Problems;
using RagStack.Api.Search;
using RagStack.Api.Status;
using RagStack.Api.Tenancy;
using RagStack.Documents;

using RagStack.OpenAi.Images;

namespace RagStack.Api;

/// <summary>Composes and maps the RAG service: the embedded store by default, Qdrant when <c>RagStack:VectorStore</c> says so.</summary>
public static class RagStackApiHostingExtensions
{
    /// <summary>The address the service listens on when no URL is configured: loopback only, as there are no API keys yet.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5180";

    /// <summary>
    /// Adds the RAG service, composed through <c>AddRagStack(configuration)</c> as every host is: the data folder
    /// (<c>RagStack:DataDirectory</c>, whose <c>ragstack.json</c> is read too) with its chunks in the store
    /// <c>RagStack:VectorStore</c> names (embedded, or Qdrant at <c>RagStack:Qdrant:Endpoint</c>), ONNX embeddings of the
    /// folder's model, ingestion, retrieval and answering, a llama.cpp generator when <c>RagStack:Generator:ModelPath</c> is
    /// set or an OpenAI-compatible model server when <c>RagStack:RemoteGenerator:Endpoint</c> is (else extractive answers),
    /// one bounded queue for questions (<c>RagStack:Api</c>), uploads (<c>RagStack:Uploads</c>), problem details, the
    /// OpenAPI document and health checks. Without a configured URL it listens on <see cref="DefaultUrl"/> (loopback).
    /// </summary>
    public static WebApplicationBuilder AddRagStackApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var rag = services.AddRagStack(builder.Configuration);
        var keys = rag.Configuration.GetSection(ApiKeysOptions.Section).Get<List<ApiKey>>() ?? [];
        ValidateKeys(keys);
        ListenOnLoopbackUnlessConfigured(builder, localMode: keys.Count == 0);
        RequestLog.AddRequestLog(builder);

        rag.AddConfiguredStore()
            .AddOnnxEmbeddings()
            .AddOnnxReranker()
            .AddConfiguredGenerator()
            .AddImageGeneration()
            .AddAskLimiter();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        // An unreadable body reaches the exception handler, which says what was wrong, instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemExceptionHandler.Customize);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi();
        services.AddHealthChecks();
        rag.RefuseUnknownSettings<ApiKeysOptions>(ApiKeysOptions.Section, typeof(List<ApiKey>)).Configure(o =>
        {
            foreach (var key in keys)
            {
                o.Keys.Add(key);
            }
        });
        AddDocuments(rag);
        return builder;
    }

    /// <summary>
    /// Maps the service's endpoints: <c>POST /api/search</c>, <c>POST /api/ask</c>, the documents of each index
    /// (<c>/api/indexes/{index}/documents</c>), <c>/api/conversations</c>, <c>GET /api/status</c>, the OpenAI-compatible <c>/v1</c>
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
        api.MapConversationsApi();
        api.MapStatusApi();
        app.MapOpenAiApi();
        app.MapStoredImagesApi();
        return app;
    }

    /// <summary>
    /// The durable ingestion queue and its worker, uploads (<c>RagStack:Uploads</c>) and the sample-corpus seed.
    /// </summary>
    private static void AddDocuments(IRagStackBuilder rag)
    {
        rag.BindRagStackOptions<UploadOptions>(UploadOptions.Section);
        var services = rag.Services;
        services.AddSingleton<IValidateOptions<UploadOptions>, UploadOptionsValidator>();
        services.AddSingleton<UploadReader>();
        services.AddSingleton<IngestionSignal>();
        services.AddHostedService<IngestionWorker>();
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
