using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.OpenAi.Errors;

namespace RagStack.Api.Ask;

/// <summary>
/// One bounded queue for every question, whichever endpoint asks it: <see cref="AskLimitOptions.MaxConcurrentAsks"/> are
/// answered at once, <see cref="AskLimitOptions.AskQueueLimit"/> more wait (oldest first), and the rest are turned away at
/// once with 429 and <c>Retry-After</c> rather than queueing without bound in front of the generator.
/// </summary>
internal static class AskLimiter
{
    /// <summary>The rate-limiting policy endpoints that answer questions require.</summary>
    public const string Policy = "asks";

    /// <summary>
    /// Seconds a turned-away caller is told to wait: about one short generated answer on two CPU cores, by which time the
    /// queue has usually moved.
    /// </summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>Adds the <see cref="Policy"/> concurrency limiter, sized from <c>RagStack:Api</c> and validated at start.</summary>
    public static IRagStackBuilder AddAskLimiter(this IRagStackBuilder builder)
    {
        builder.BindRagStackOptions<AskLimitOptions>(AskLimitOptions.Section);
        var services = builder.Services;
        services.AddSingleton<IValidateOptions<AskLimitOptions>, AskLimitOptionsValidator>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, cancellationToken) => RejectAsync(context.HttpContext);
        });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<AskLimitOptions>>((o, limits) =>
            o.AddConcurrencyLimiter(Policy, limiter =>
            {
                limiter.PermitLimit = limits.Value.MaxConcurrentAsks;
                limiter.QueueLimit = limits.Value.AskQueueLimit;
                limiter.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            }));
        return builder;
    }

    /// <summary>Requires the ask limiter on <paramref name="endpoint"/>.</summary>
    public static TBuilder RequireAskLimiter<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder => endpoint.RequireRateLimiting(Policy);

    private static async ValueTask RejectAsync(HttpContext http)
    {
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        const string Message = "Too many questions are being answered or waiting; retry after the time in Retry-After.";
        // OpenAI clients read OpenAI's error shape (and retry on 429 by themselves); the REST API answers problem details.
        var result = http.Request.Path.StartsWithSegments("/v1")
            ? OpenAiError.Result(StatusCodes.Status429TooManyRequests, Message, OpenAiError.TypeOf(StatusCodes.Status429TooManyRequests), code: "rate_limit_exceeded")
            : TypedResults.Problem(detail: Message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many questions");
        await result.ExecuteAsync(http);
    }
}
