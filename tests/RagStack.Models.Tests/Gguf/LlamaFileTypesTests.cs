using LLama.Native;
using RagStack.Models.Gguf;

namespace RagStack.Models.Tests.Gguf;

/// <summary>The file type table is written out so reading a header needs no llama.cpp; LLamaSharp's enum, which mirrors llama.h, checks it.</summary>
public sealed class LlamaFileTypesTests
{
    public static TheoryData<int> LlamaHFileTypes() => [.. Enum.GetValues<LLamaFtype>().Select(t => (int)t)];

    [Theory]
    [MemberData(nameof(LlamaHFileTypes))]
    public void Every_file_type_llama_h_defines_has_the_name_llama_cpp_prints(int fileType)
    {
        var name = ((LLamaFtype)fileType).ToString();
        var expected = name == nameof(LLamaFtype.MOSTLY_IQ3_K_XS)
            ? "IQ3_XS" // LLamaSharp's spelling of LLAMA_FTYPE_MOSTLY_IQ3_XS
            : name.Replace("LLAMA_FTYPE_MOSTLY_", "", StringComparison.Ordinal).Replace("MOSTLY_", "", StringComparison.Ordinal).Replace("ALL_", "", StringComparison.Ordinal);

        Assert.Equal(expected, LlamaFileTypes.Name(fileType));
    }

    [Fact]
    public void The_table_names_no_file_type_llama_h_lacks()
    {
        var defined = Enum.GetValues<LLamaFtype>().Select(t => (long)t).ToHashSet();

        Assert.Empty(LlamaFileTypes.Names.Keys.Where(n => !defined.Contains(n)));
    }

    [Fact]
    public void The_file_types_written_directly_are_llama_cpps_float_types()
    {
        Assert.Equal((uint)LLamaFtype.ALL_F32, LlamaFileTypes.For(GgufTensorType.F32));
        Assert.Equal((uint)LLamaFtype.MOSTLY_F16, LlamaFileTypes.For(GgufTensorType.F16));
        Assert.Equal((uint)LLamaFtype.MOSTLY_BF16, LlamaFileTypes.For(GgufTensorType.BF16));
    }
}
