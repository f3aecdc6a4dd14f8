using RagStack.Documents;
using Xunit;

namespace RagStack.Core.Tests.Input;

public sealed class IndexNameTests
{
    [Theory]
    [InlineData("default")]
    [InlineData("contracts-2024")]
    [InlineData("a.b_c")]
    [InlineData("9lives")]
    public void Plain_names_are_valid(string name) => Assert.Null(IndexName.Problem(name));

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("-flag")]
    [InlineData("a b")]
    [InlineData("a\nb")]
    [InlineData("a\0b")]
    [InlineData("é")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_refused_with_the_rule(string? name) =>
        Assert.EndsWith(IndexName.Rule, IndexName.Problem(name), StringComparison.Ordinal);

    [Fact]
    public void A_long_name_is_refused_without_being_repeated_in_full()
    {
        var problem = IndexName.Problem(new string('a', 10_000))!;

        Assert.True(problem.Length < 200, problem);
    }
}
