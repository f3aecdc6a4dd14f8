using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using RagStack.Documents;

namespace RagStack.Api.Problems;

/// <summary>The problem responses endpoints return for bad input, so every 400 reads the same.</summary>
internal static class RequestProblems
{
    /// <summary>A 400 problem whose detail says what to change.</summary>
    public static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    /// <summary>The 400 for a request's <c>index</c> that breaks <see cref="IndexName"/>'s rule; null when it is absent or valid.</summary>
    public static ProblemHttpResult? InvalidIndex(string? index) =>
        index is null ? null
        : string.IsNullOrWhiteSpace(index) ? Invalid("index is empty; leave it out for the domain's index or default.")
        : IndexName.Problem(index) is { } problem ? Invalid($"index {problem}.")
        : null;
}
