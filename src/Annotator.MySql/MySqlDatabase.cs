using System.Data;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace Annotator.Catalog.MySql;

/// <summary>
/// The catalog's database: connections from its pool, and write transactions. Writes run at READ COMMITTED: each
/// statement sees what is committed when it runs (a claim that lost reads the winner's lease), and InnoDB takes no
/// gap locks, so writers on many nodes block each other only on the rows they share.
/// </summary>
public sealed class MySqlDatabase([FromKeyedServices(MySqlDatabase.Key)] MySqlDataSource dataSource)
{
    /// <summary>The service key of the catalog's <see cref="MySqlDataSource"/>, so a host's other MySQL pools are left alone.</summary>
    public const string Key = "Annotator:Catalog";

    private const int DeadlockAttempts = 3;

    private FullTextLimits? _fullText;

    /// <summary>An open connection; a single statement on it runs in autocommit mode and reads committed data.</summary>
    public ValueTask<MySqlConnection> OpenAsync(CancellationToken cancellationToken) => dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction. InnoDB may roll back a transaction whole to break a deadlock
    /// (rare here: every writer locks image rows first and the feed counter last); it is then run again.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<MySqlConnection, MySqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            try
            {
                var result = await work(connection, transaction);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.LockDeadlock && attempt < DeadlockAttempts) { }
        }
    }

    /// <summary>The server's full-text token sizes, read once: they only change with a server restart.</summary>
    internal async Task<FullTextLimits> FullTextLimitsAsync(CancellationToken cancellationToken)
    {
        if (_fullText is { } known) return known;
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("SELECT @@innodb_ft_min_token_size, @@innodb_ft_max_token_size", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return _fullText = new FullTextLimits(Convert.ToInt32(reader.GetValue(0)), Convert.ToInt32(reader.GetValue(1)));
    }
}
