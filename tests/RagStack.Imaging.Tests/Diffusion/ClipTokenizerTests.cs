using System.Text.Json;
using RagStack.Imaging.Diffusion;
using Xunit;

namespace RagStack.Imaging.Tests.Diffusion;

public sealed class ClipTokenizerTests
{
    private static readonly string Folder = Path.Combine(TestModels.TinySd, "tokenizer");

    private static Dictionary<string, int> Vocab() =>
        JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(Folder, "vocab.json")))!;

    [Fact]
    public void Each_word_is_one_token_between_start_and_end_then_padding_to_77()
    {
        var vocab = Vocab();
        var ids = ClipTokenizer.Load(Folder).Encode("A  Red circle");
        Assert.Equal(77, ids.Length);
        Assert.Equal(
            [vocab["<|startoftext|>"], vocab["a</w>"], vocab["red</w>"], vocab["circle</w>"], vocab["<|endoftext|>"]],
            ids.Take(5).Select(i => (int)i));
        Assert.All(ids.Skip(5), id => Assert.Equal(vocab["<|endoftext|>"], id));
    }

    [Fact]
    public void The_empty_prompt_is_start_and_end_alone()
    {
        var vocab = Vocab();
        var ids = ClipTokenizer.Load(Folder).Encode("");
        Assert.Equal(vocab["<|startoftext|>"], ids[0]);
        Assert.All(ids.Skip(1), id => Assert.Equal(vocab["<|endoftext|>"], id));
    }

    [Fact]
    public void A_long_prompt_is_cut_to_keep_the_end_token()
    {
        var ids = ClipTokenizer.Load(Folder).Encode(string.Join(' ', Enumerable.Repeat("red", 200)));
        Assert.Equal(Vocab()["<|endoftext|>"], ids[76]);
        Assert.Equal(Vocab()["red</w>"], ids[75]);
    }
}
