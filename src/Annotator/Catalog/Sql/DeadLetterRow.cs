using Annotator.Events;

namespace Annotator.Catalog.Sql;

/// <summary>
/// One <c>dead_letters</c> row as every SQL catalog stores it, and its <see cref="DeadLetter"/>. The table is the
/// same on every engine (only how a row is taken differs), so its columns and their meaning are written once, here.
/// </summary>
public sealed class DeadLetterRow
{
    public const string Columns = "id, subscriber, object_key, attempts, reason, created_at";

    public long Id { get; set; }
    public string Subscriber { get; set; } = "";
    public string ObjectKey { get; set; } = "";
    public long Attempts { get; set; }
    public string Reason { get; set; } = "";
    public long CreatedAt { get; set; }

    public DeadLetter ToDeadLetter() =>
        new(Id, Subscriber, new ObjectCreated(ObjectKey), (int)Attempts, Reason, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt));
}
