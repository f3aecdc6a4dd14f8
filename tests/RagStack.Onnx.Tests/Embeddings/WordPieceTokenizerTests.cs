using Xunit;

namespace RagStack.Onnx.Tests.Embeddings;

/// <summary>Runs on the real bert-base-uncased vocabulary that ships with the models.</summary>
public sealed class WordPieceTokenizerTests
{
    private static readonly WordPieceTokenizer Tokenizer = LoadVocabulary();

    [Theory]
    [InlineData("unaffable", "una ##ffa ##ble")]
    [InlineData("tokenization", "token ##ization")]
    [InlineData("I have a new GPU!", "i have a new gp ##u !")]
    [InlineData("John Johanson's house", "john johan ##son ' s house")]
    public void Words_split_into_the_longest_vocabulary_pieces(string text, string expected) =>
        Assert.Equal(expected, Tokens(text));

    [Theory]
    [InlineData("Hello, world!", "hello , world !")]
    [InlineData("state-of-the-art", "state - of - the - art")]
    [InlineData("$100 + 5% = x^2", "$ 100 + 5 % = x ^ 2")]
    [InlineData("«quoted»—dash", "« quoted » — dash")]
    public void Every_punctuation_mark_is_a_token_of_its_own(string text, string expected) =>
        Assert.Equal(expected, Tokens(text));

    [Theory]
    [InlineData("Héllo Wörld café", "hello world cafe")]
    [InlineData("NAÏVE Ångström", "naive ang ##strom")]
    public void Text_is_lower_cased_and_stripped_of_accents(string text, string expected) =>
        Assert.Equal(expected, Tokens(text));

    [Theory]
    [InlineData("中国北京", "中 国 北 京")]
    [InlineData("hello中国", "hello 中 国")]
    [InlineData("世界", "世 [UNK]")]
    public void Chinese_characters_are_split_one_by_one(string text, string expected) =>
        Assert.Equal(expected, Tokens(text));

    [Theory]
    [InlineData("🦜 parrot", "[UNK] parrot")]
    [InlineData("hello🦜", "[UNK]")]
    public void A_word_with_a_piece_outside_the_vocabulary_becomes_one_unknown_token(string text, string expected) =>
        Assert.Equal(expected, Tokens(text));

    [Fact]
    public void A_word_longer_than_a_hundred_characters_becomes_one_unknown_token()
    {
        Assert.Equal("[UNK]", Tokens(new string('a', 101)));
        Assert.NotEqual("[UNK]", Tokens(new string('a', 100)));
    }

    [Fact]
    public void Whitespace_of_every_kind_separates_words_and_control_characters_vanish()
    {
        Assert.Equal("hello world again", Tokens("hello\tworld\u00A0\r\nagain"));
        Assert.Equal("hello", Tokens("hel\u200Blo\u0000"));
        Assert.Empty(Tokenizer.Encode(" \n\t "));
    }

    [Fact]
    public void Special_token_names_in_text_are_read_as_plain_text()
    {
        var ids = Tokenizer.Encode("[CLS] [SEP]");

        Assert.DoesNotContain(Tokenizer.ClsId, ids);
        Assert.DoesNotContain(Tokenizer.SepId, ids);
    }

    [Theory]
    [InlineData("")]
    [InlineData("The quick brown fox jumps over the lazy dog.")]
    [InlineData("Unaffable naïveté, 我爱北京 🦜 and state-of-the-art tokenization!")]
    public void Counting_gives_as_many_tokens_as_encoding(string text) =>
        Assert.Equal(Tokenizer.Encode(text).Length, Tokenizer.CountTokens(text));

    [Fact]
    public void Counts_of_whitespace_separated_parts_add_up()
    {
        const string First = "Retrieval-augmented generation cites its sources.";
        const string Second = "Chunks are counted with the embedding model's own tokenizer.";

        Assert.Equal(Tokenizer.CountTokens(First) + Tokenizer.CountTokens(Second), Tokenizer.CountTokens(First + " " + Second));
    }

    [Fact]
    public void Special_tokens_have_the_bert_ids() =>
        Assert.Equal((101, 102, 0, 100), (Tokenizer.ClsId, Tokenizer.SepId, Tokenizer.PadId, Tokenizer.UnknownId));

    private static string Tokens(string text) => string.Join(' ', Tokenizer.Decode(Tokenizer.Encode(text)));

    private static WordPieceTokenizer LoadVocabulary()
    {
        using var vocabulary = new StreamReader(EmbeddingModelCard.For(EmbeddingModelKind.ArcticXs).OpenResource("vocab.txt"));
        return WordPieceTokenizer.Load(vocabulary);
    }
}
