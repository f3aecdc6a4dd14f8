using RagStack.Api.Problems;
using RagStack.Domains;
using RagStack.Generation;

namespace RagStack.Api.Tests.Problems;

public sealed class ProblemExceptionHandlerTests
{
    [Fact]
    public void An_unknown_domain_is_404_naming_the_configured_domains()
    {
        var problem = ProblemExceptionHandler.Describe(new UnknownDomainException("medical", ["legal", "garden"]))!;

        Assert.Equal(404, problem.Status);
        Assert.Contains("configured: garden, legal", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_context_overflow_is_400_saying_what_to_shorten()
    {
        var problem = ProblemExceptionHandler.Describe(new ContextWindowExceededException(1500, 1024))!;

        Assert.Equal(400, problem.Status);
        Assert.Contains("1500 tokens", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("shorter question", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_argument_is_400_without_the_internal_parameter_name()
    {
        var problem = ProblemExceptionHandler.Describe(new ArgumentException("The question is empty.", "request"))!;

        Assert.Equal(400, problem.Status);
        Assert.Equal("The question is empty.", problem.Detail);
    }

    [Fact]
    public void A_failure_the_caller_cannot_fix_is_left_to_the_default_handler() =>
        Assert.Null(ProblemExceptionHandler.Describe(new InvalidOperationException("disk full")));
}
