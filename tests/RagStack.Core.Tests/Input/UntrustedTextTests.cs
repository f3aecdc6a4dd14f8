using RagStack.Input;
using Xunit;

namespace RagStack.Core.Tests.Input;

public sealed class UntrustedTextTests
{
    [Theory]
    [InlineData("\u202E")]
    [InlineData("\u200B")]
    [InlineData("\uFEFF")]
    [InlineData("\u2066")]
    [InlineData("\n")]
    [InlineData("\u0000")]
    [InlineData("\u2028")]
    [InlineData("\u00A0")]
    [InlineData("\u3164")]
    [InlineData("\uE000")]
    public void Invisible_bidirectional_and_control_characters_are_found(string character) =>
        Assert.Equal(3, UntrustedText.IndexOfInvisible("abc" + character + "d"));

    [Fact]
    public void A_lone_surrogate_is_found_and_a_pair_is_not()
    {
        Assert.Equal(3, UntrustedText.IndexOfInvisible("abc" + (char)0xD800 + "d"));
        Assert.Equal(3, UntrustedText.IndexOfInvisible("abc" + (char)0xDC00 + "d"));
        Assert.Equal(-1, UntrustedText.IndexOfInvisible("abc\uD83D\uDE00d"));
    }

    [Theory]
    [InlineData("résumé ✓ 2024.pdf")]
    [InlineData("日本語の文書.md")]
    [InlineData("emoji 😀.txt")]
    [InlineData("plain name.md")]
    public void Visible_text_in_any_script_has_none(string text) => Assert.Equal(-1, UntrustedText.IndexOfInvisible(text));

    [Fact]
    public void A_quoted_value_cannot_start_a_line_or_reorder_text_and_is_cut_short()
    {
        var quoted = UntrustedText.Quote("docs\ncrit: forged\u202E" + new string('x', 500), maxLength: 40);

        Assert.Equal("\"docs\\u000acrit: forged\\u202e" + new string('x', 22) + "…\"", quoted);
    }
}
