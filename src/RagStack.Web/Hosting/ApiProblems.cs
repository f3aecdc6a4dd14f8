using RagStack.Client;

namespace RagStack.Web.Hosting;

/// <summary>How the pages word a refusal from the API: its problem's title and detail, as the API wrote them.</summary>
internal static class ApiProblems
{
    public static string Describe(string title, string? detail) => detail is { Length: > 0 } ? $"{title}: {detail}" : title;

    public static string Describe(this RagStackApiException problem) => Describe(problem.Title, problem.Detail);

    /// <summary>An API refusal in its own words; anything else (the API unreachable) by its message.</summary>
    public static string Describe(this Exception failure) => failure is RagStackApiException problem ? problem.Describe() : failure.Message;
}
