using RagStack.Input;
using RagStack.Retrieval;
using Xunit;

namespace RagStack.Core.Tests.Input;

public sealed class DefinedNamesTests
{
    [Theory]
    [InlineData("hybrid", SearchMode.Hybrid)]
    [InlineData("Dense", SearchMode.Dense)]
    [InlineData("KEYWORD", SearchMode.Keyword)]
    public void A_defined_name_in_any_case_is_read(string text, SearchMode expected)
    {
        Assert.True(DefinedNames.TryParse<SearchMode>(text, out var mode));
        Assert.Equal(expected, mode);
    }

    [Theory]
    [InlineData("dense,keyword")]
    [InlineData("hybrid, dense")]
    [InlineData("1")]
    [InlineData("3")]
    [InlineData(" dense")]
    [InlineData("")]
    [InlineData(null)]
    public void Numbers_flag_lists_and_anything_else_are_refused(string? text) =>
        Assert.False(DefinedNames.TryParse<SearchMode>(text, out _));

    [Fact]
    public void The_list_names_every_value_in_lower_case() =>
        Assert.Equal("reciprocalrank, convex, distributionbased", DefinedNames.List<FusionMethod>());
}
