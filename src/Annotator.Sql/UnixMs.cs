namespace Annotator.Sql;

/// <summary>Times as every table stores them: unix milliseconds, the one time type all three engines read alike.</summary>
internal static class UnixMs
{
    public static long From(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset To(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
}
