using Npgsql;

namespace Annotator.Catalog.Postgres;

/// <summary>Writes in one transaction on a pooled connection, at PostgreSQL's default READ COMMITTED.</summary>
internal static class DataSourceWrites
{
    public static async Task<T> WriteAsync<T>(
        this NpgsqlDataSource dataSource, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        // Not cancellable: once the work is done, a cancelled commit would leave the caller unsure whether it happened.
        await transaction.CommitAsync(CancellationToken.None);
        return result;
    }
}
