using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace RagStack.OpenAi.Errors;

/// <summary>An error body in OpenAI's shape, which OpenAI clients read their exception's message from.</summary>
internal sealed record OpenAiError(OpenAiErrorDetail Error)
{
    /// <summary>The body as a JSON result with <paramref name="status"/>.</summary>
    public static IResult Result(int status, string message, string type, string? param = null, string? code = null) =>
        TypedResults.Json(new OpenAiError(new OpenAiErrorDetail(message, type, param, code)), OpenAiJson.Default.OpenAiError, statusCode: status);

    /// <summary>400: the request is malformed or asks for something this host cannot do.</summary>
    public static IResult InvalidRequest(string message, string? param = null, string? code = null) =>
        Result(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    /// <summary>404: the request names a model this host does not serve; the message should list the ones it does.</summary>
    public static IResult ModelNotFound(string message) =>
        Result(StatusCodes.Status404NotFound, message, "invalid_request_error", "model", "model_not_found");

    /// <summary>OpenAI's error type for a status: <c>invalid_request_error</c> for 4xx, <c>server_error</c> otherwise.</summary>
    public static string TypeOf(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status403Forbidden => "permission_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        >= 400 and < 500 => "invalid_request_error",
        _ => "server_error",
    };
}

/// <summary>The fields of an error; <c>param</c> and <c>code</c> are written as null when absent, as OpenAI does.</summary>
internal sealed record OpenAiErrorDetail(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);
