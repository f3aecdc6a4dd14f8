using Microsoft.AspNetCore.Http;

namespace RagStack.Api.Tenancy;

/// <summary>
/// The tenant a request acts for. Authentication (API key → tenant, or the local single-user tenant when no key is
/// configured) stores it on the request; every endpoint reads it from here and passes it to the store.
/// </summary>
internal static class RequestTenant
{
    /// <summary>The tenant of local single-user mode (no API keys configured); the CLI's tenant too.</summary>
    public const string Local = "local";

    private static readonly object Key = new();

    /// <summary>The caller's tenant.</summary>
    public static string Of(HttpContext context) => context.Items.TryGetValue(Key, out var tenant) && tenant is string name ? name : Local;

    /// <summary>Records the caller's tenant, once authentication has found it.</summary>
    public static void Set(HttpContext context, string tenant) => context.Items[Key] = tenant;
}
