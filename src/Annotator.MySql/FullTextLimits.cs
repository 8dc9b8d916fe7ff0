namespace Annotator.Catalog.MySql;

/// <summary>
/// The shortest and longest words InnoDB's full-text index holds (<c>innodb_ft_min_token_size</c>, 3 by default, and
/// <c>innodb_ft_max_token_size</c>, 84): a word outside them is not in the index, so searching it there finds nothing.
/// </summary>
internal sealed record FullTextLimits(int MinTokenSize, int MaxTokenSize)
{
    public bool Indexes(string token) => token.EnumerateRunes().Count() is var length && length >= MinTokenSize && length <= MaxTokenSize;
}
