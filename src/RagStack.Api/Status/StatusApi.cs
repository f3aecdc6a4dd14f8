using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using RagStack.Api.Tenancy;

namespace RagStack.Api.Status;

/// <summary>Maps <c>GET /status</c>: whether a generator is installed, which models run, the caller's indexes and the domains.</summary>
public static class StatusApi
{
    /// <summary>Maps <c>GET {group}/status</c> on <paramref name="routes"/>.</summary>
    public static RouteHandlerBuilder MapStatusApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        return routes.MapGet("/status", GetAsync)
            .WithTags("Status")
            .WithName("GetStatus")
            .WithSummary("Whether a generator model is installed (else answers are extractive), the models, the caller's indexes and the configured domains.");
    }

    private static async Task<Ok<RagStackStatus>> GetAsync(HttpContext http, IRagStackStatusReader status, CancellationToken cancellationToken) =>
        TypedResults.Ok(await status.ReadAsync(RequestTenant.Of(http), cancellationToken));
}
