using Annotator.Catalog.Sql;
using Annotator.Events;
using Dapper;

namespace Annotator.Catalog.MySql;

/// <summary>Dead letters in the <c>dead_letters</c> table.</summary>
public sealed class MySqlDeadLetters(MySqlDatabase database, TimeProvider time) : IDeadLetters
{
    public async Task AddAsync(string subscriber, ObjectCreated @event, int attempts, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dead_letters (subscriber, object_key, attempts, reason, created_at) VALUES (@subscriber, @Key, @attempts, @reason, @now)
            """, new { subscriber, @event.Key, attempts, reason, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(string? key, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeadLetterRow>(new CommandDefinition(
            $"SELECT {DeadLetterRow.Columns} FROM dead_letters WHERE @key IS NULL OR object_key = @key ORDER BY id DESC LIMIT @limit",
            new { key, limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToDeadLetter())];
    }

    /// <summary>Read under a row lock, then deleted: of two concurrent takers the second waits, then finds it gone.</summary>
    public Task<DeadLetter?> TakeAsync(long id, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<DeadLetterRow>($"SELECT {DeadLetterRow.Columns} FROM dead_letters WHERE id = @id FOR UPDATE", new { id }, transaction);
            if (row is not null) await connection.ExecuteAsync("DELETE FROM dead_letters WHERE id = @id", new { id }, transaction);
            return row?.ToDeadLetter();
        }, cancellationToken);
}
