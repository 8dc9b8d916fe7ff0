using Annotator.Catalog.Sql;
using Annotator.Events;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Annotator.Catalog.Postgres;

/// <summary>Dead letters in the <c>dead_letters</c> table.</summary>
public sealed class PostgresDeadLetters(
    [FromKeyedServices(PostgresRegistration.DataSourceKey)] NpgsqlDataSource dataSource, TimeProvider time) : IDeadLetters
{
    public async Task AddAsync(string subscriber, ObjectCreated @event, int attempts, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dead_letters (subscriber, object_key, attempts, reason, created_at) VALUES (@subscriber, @Key, @attempts, @reason, @now)
            """, new { subscriber, @event.Key, attempts, reason, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(string? key, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeadLetterRow>(new CommandDefinition(
            $"SELECT {DeadLetterRow.Columns} FROM dead_letters WHERE @key::text IS NULL OR object_key = @key ORDER BY id DESC LIMIT @limit",
            new { key, limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToDeadLetter())];
    }

    public async Task<DeadLetter?> TakeAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<DeadLetterRow>(new CommandDefinition(
            $"DELETE FROM dead_letters WHERE id = @id RETURNING {DeadLetterRow.Columns}", new { id }, cancellationToken: cancellationToken));
        return row?.ToDeadLetter();
    }
}
