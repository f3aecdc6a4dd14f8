using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using RagStack.OpenAi.Errors;

namespace RagStack.Api.Tenancy;

/// <summary>
/// Finds the caller's tenant for every <c>/api</c> and <c>/v1</c> request. With API keys configured, the key
/// (<c>Authorization: Bearer</c> or <c>X-Api-Key</c>) names the tenant and a missing or unknown key is answered 401.
/// Without keys the service is single-user: every request acts for <see cref="RequestTenant.Local"/>, and a request
/// that did not come from this machine is refused (403), whatever address the server was bound to.
/// </summary>
internal sealed class ApiKeyAuthentication(RequestDelegate next, IOptions<ApiKeysOptions> options)
{
    private readonly Dictionary<string, string> _tenantsByKeyHash = options.Value.Keys.ToDictionary(k => Hash(k.Key), k => k.Tenant, StringComparer.Ordinal);

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/api") && !path.StartsWithSegments("/v1"))
        {
            return next(context);
        }

        if (_tenantsByKeyHash.Count == 0)
        {
            if (context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
            {
                return Refuse(context, StatusCodes.Status403Forbidden, "Local mode",
                    "This RagStack service has no API keys configured, so it serves this machine only. Configure RagStack:ApiKeys to serve other machines.");
            }

            RequestTenant.Set(context, RequestTenant.Local);
            return next(context);
        }

        if (PresentedKey(context.Request) is not { Length: > 0 } key)
        {
            if (QueryKeyParameters.Any(context.Request.Query.ContainsKey))
            {
                return Refuse(context, StatusCodes.Status401Unauthorized, "API key in the URL",
                    "API keys are not read from the query string, where logs and browser history keep them; send it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");
            }

            return Refuse(context, StatusCodes.Status401Unauthorized, "API key required",
                "Send your API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");
        }

        // The key is compared by its hash through a dictionary: the lookup time does not depend on how much of a guess matched.
        if (!_tenantsByKeyHash.TryGetValue(Hash(key), out var tenant))
        {
            return Refuse(context, StatusCodes.Status401Unauthorized, "Unknown API key", "The API key is not one this service knows; check it for typos or ask for a new one.");
        }

        RequestTenant.Set(context, tenant);
        return next(context);
    }

    // Names clients commonly put a key under in a URL; the key is never read from there, only refused with a hint.
    private static readonly string[] QueryKeyParameters = ["api_key", "api-key", "apikey", "key", "access_token"];

    private static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.Authorization.ToString() is { Length: > 7 } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization[7..].Trim();
        }

        return request.Headers["X-Api-Key"].ToString().Trim();
    }

    /// <summary>Problem details on <c>/api</c>; OpenAI's error shape on <c>/v1</c>, whose clients read their message from it.</summary>
    private static async Task Refuse(HttpContext context, int status, string title, string detail)
    {
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        var result = context.Request.Path.StartsWithSegments("/v1")
            ? OpenAiError.Result(status, detail, OpenAiError.TypeOf(status), code: status == StatusCodes.Status401Unauthorized ? "invalid_api_key" : null)
            : TypedResults.Problem(detail: detail, statusCode: status, title: title);
        await result.ExecuteAsync(context);
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
