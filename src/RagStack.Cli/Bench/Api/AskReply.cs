using System.Net;

namespace RagStack.Cli.Bench.Api;

/// <summary>
/// One ask's outcome: the HTTP status (0 when none came: refused, reset, timed out), its times in milliseconds from
/// sending, the Retry-After of a 429, and why it failed, in words.
/// </summary>
internal readonly record struct AskReply(int Status, double TotalMs, double? FirstTokenMs, TimeSpan? RetryAfter, string? Error)
{
    /// <summary>The longest a load worker waits on a 429, whatever Retry-After says, and its wait when the header is missing.</summary>
    public static readonly TimeSpan RetryAfterCap = TimeSpan.FromSeconds(1);

    public bool Ok => Status == (int)HttpStatusCode.OK && Error is null;

    public TimeSpan RetryWait => RetryAfter is { } wait && wait < RetryAfterCap ? wait : RetryAfterCap;
}
