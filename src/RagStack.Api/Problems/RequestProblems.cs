using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace RagStack.Api.Problems;

/// <summary>The problem responses endpoints return for bad input, so every 400 reads the same.</summary>
internal static class RequestProblems
{
    /// <summary>A 400 problem whose detail says what to change.</summary>
    public static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");
}
