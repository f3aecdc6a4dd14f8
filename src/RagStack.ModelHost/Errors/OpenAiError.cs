using System.Text.Json.Serialization;

namespace RagStack.ModelHost.Errors;

/// <summary>An error body in OpenAI's shape, which OpenAI clients read their exception's message from.</summary>
internal sealed record OpenAiError(OpenAiErrorDetail Error)
{
    /// <summary>The body as a JSON result with <paramref name="status"/>.</summary>
    public static IResult Result(int status, string message, string type, string? param = null, string? code = null) =>
        TypedResults.Json(new OpenAiError(new OpenAiErrorDetail(message, type, param, code)), ModelHostJson.Default.OpenAiError, statusCode: status);

    /// <summary>400: the request is malformed or asks for something this host cannot do.</summary>
    public static IResult InvalidRequest(string message, string? param = null, string? code = null) =>
        Result(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);
}

/// <summary>The fields of an error; <c>param</c> and <c>code</c> are written as null when absent, as OpenAI does.</summary>
internal sealed record OpenAiErrorDetail(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);
