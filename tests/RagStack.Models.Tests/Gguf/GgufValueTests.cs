using RagStack.Models.Gguf;

namespace RagStack.Models.Tests.Gguf;

public sealed class GgufValueTests
{
    [Fact]
    public void Integers_of_every_width_widen_to_int64_and_numbers_to_double()
    {
        Assert.Equal(200, GgufValue.Of((byte)200).AsInt64());
        Assert.Equal(-5, GgufValue.Of((short)-5).AsInt64());
        Assert.Equal(4_000_000_000, GgufValue.Of(4_000_000_000u).AsInt64());
        Assert.Equal(long.MaxValue, GgufValue.Of((ulong)long.MaxValue).AsInt64());
        Assert.Equal(1e-5, GgufValue.Of(1e-5f).AsDouble(), precision: 9);
        Assert.Equal(7.0, GgufValue.Of(7).AsDouble());
    }

    [Fact]
    public void Reading_a_value_as_the_wrong_type_says_what_it_is()
    {
        Assert.Equal("The metadata value is String, not an integer.", Assert.Throws<InvalidOperationException>(() => GgufValue.Of("32").AsInt64()).Message);
        Assert.Equal("The metadata value is an array of Int32, not an array of String.", Assert.Throws<InvalidOperationException>(() => GgufValue.Of(new[] { 1 }).AsArray<string>()).Message);
        Assert.Throws<InvalidOperationException>(() => GgufValue.Of(ulong.MaxValue).AsInt64());
        Assert.Throws<InvalidOperationException>(() => GgufValue.Of(1f).AsBool());
    }

    [Fact]
    public void Arrays_are_equal_by_element_type_and_contents()
    {
        Assert.Equal(GgufValue.Of(new[] { "a", "b" }), GgufValue.Of(new[] { "a", "b" }));
        Assert.NotEqual(GgufValue.Of(new[] { "a", "b" }), GgufValue.Of(new[] { "a", "c" }));
        Assert.NotEqual(GgufValue.Of(new[] { 1, 2 }), GgufValue.Of(new uint[] { 1, 2 }));
        Assert.NotEqual(GgufValue.Of(1), GgufValue.Of(1u));
        Assert.Equal(2, GgufValue.Of(new[] { 1f, 2f }).Count);
    }

    [Fact]
    public void Arrays_of_strings_cannot_hold_null_and_arrays_of_arrays_hold_only_arrays()
    {
        Assert.Throws<ArgumentException>(() => GgufValue.Of(new string[] { "a", null! }));
        Assert.Throws<ArgumentException>(() => GgufValue.Of([GgufValue.Of(1)]));
    }
}
