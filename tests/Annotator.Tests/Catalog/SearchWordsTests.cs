using Annotator.Catalog.Postgres;

namespace Annotator.Tests.Catalog;

/// <summary>The PostgreSQL catalog's search words: what SQLite's unicode61 tokenizer (remove_diacritics 2) would index.</summary>
public sealed class SearchWordsTests
{
    [Theory]
    [InlineData("IMG_0001.jpg", "img 0001 jpg")]
    [InlineData("holiday-2024.jpg", "holiday 2024 jpg")]
    [InlineData("Café Ünïcode  ÉTÉ", "cafe unicode ete")]
    [InlineData("a.b@c.example/x?y=1", "a b c example x y 1")]
    [InlineData("---", "")]
    public void Words_are_lowercase_runs_of_letters_and_digits_without_accents(string text, string words)
    {
        Assert.Equal(words, SearchWords.Of(text));
    }

    [Fact]
    public void Several_texts_give_their_words_in_order()
    {
        Assert.Equal("a brown dog dog beach", SearchWords.Of(["A brown dog.", "dog", "beach", null]));
    }

    [Theory]
    [InlineData("Holiday 2024", "holiday:* & 2024:*")]
    [InlineData("dog & !cat | x:* <-> y", "dog:* & cat:* & x:* & y:*")]
    [InlineData("'; DROP TABLE images; --", "drop:* & table:* & images:*")]
    [InlineData("%_\\", null)]
    [InlineData(null, null)]
    public void A_query_needs_every_word_typed_as_a_prefix_and_holds_no_syntax_of_the_input(string? search, string? query)
    {
        Assert.Equal(query, SearchWords.Query(search));
    }
}
