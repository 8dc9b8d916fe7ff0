using Amazon.Runtime;
using Amazon.S3;

namespace Annotator.IntegrationTests.ScaleOut;

/// <summary>
/// The servers <c>scripts/services</c> starts for a test run, read from its <c>ANNOTATOR_TEST_*</c> variables, and
/// throw-away buckets on them. Outside <c>scripts/test</c> they are absent and the tests that need them skip, unless
/// <c>ANNOTATOR_TEST_SERVICES=required</c> says a missing one is a failure.
/// </summary>
public static class TestServices
{
    public static string? S3 => Environment.GetEnvironmentVariable("ANNOTATOR_TEST_S3");

    public static string? Postgres => Environment.GetEnvironmentVariable("ANNOTATOR_TEST_POSTGRES");

    public static string? MySql => Environment.GetEnvironmentVariable("ANNOTATOR_TEST_MYSQL");

    public static string? RabbitMq => Environment.GetEnvironmentVariable("ANNOTATOR_TEST_RABBITMQ");

    public static bool Required => Environment.GetEnvironmentVariable("ANNOTATOR_TEST_SERVICES") == "required";

    /// <summary>A new bucket on the S3 stand-in, and the server settings (and AWS chain variables) that use it.</summary>
    public static async Task<Dictionary<string, string>> NewBucketAsync()
    {
        var url = S3 ?? throw new InvalidOperationException("ANNOTATOR_TEST_S3 is not set: scripts/test starts the S3 stand-in");
        var bucket = $"annotator-{Guid.NewGuid():N}"[..40];
        using var client = new AmazonS3Client(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonS3Config
        {
            ServiceURL = url,
            ForcePathStyle = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
        await client.PutBucketAsync(bucket);
        return new()
        {
            ["Annotator:Storage:Provider"] = "s3",
            ["Annotator:Storage:S3:ServiceUrl"] = url,
            ["Annotator:Storage:S3:Bucket"] = bucket,
            ["Annotator:Storage:S3:ForcePathStyle"] = "true",
            ["AWS_ACCESS_KEY_ID"] = "S3RVER",
            ["AWS_SECRET_ACCESS_KEY"] = "S3RVER",
        };
    }
}

/// <summary>A new database on the test PostgreSQL, and the server settings that use it; dropped when disposed.</summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string _name = $"annotator_it_{Guid.NewGuid():N}";

    private PostgresDatabase(string admin) => _admin = admin;

    public Dictionary<string, string> Settings => new()
    {
        ["Annotator:Catalog:Provider"] = "postgres",
        ["Annotator:Catalog:ConnectionString"] = new Npgsql.NpgsqlConnectionStringBuilder(_admin) { Database = _name }.ConnectionString,
    };

    /// <summary>On the shared test server, or on the one <paramref name="admin"/> (a superuser's connection string) names.</summary>
    public static async Task<PostgresDatabase> CreateAsync(string? admin = null)
    {
        var database = new PostgresDatabase(admin ?? TestServices.Postgres ?? throw new InvalidOperationException("ANNOTATOR_TEST_POSTGRES is not set: scripts/test starts PostgreSQL"));
        await database.ExecuteAsync($"CREATE DATABASE {database._name}");
        return database;
    }

    /// <summary>
    /// The database goes away as in an outage, for this database only (other tests share the server): no new
    /// connection is let in, and every open one is ended. <see cref="RestoreAsync"/> lets them in again.
    /// </summary>
    public async Task CutOffAsync()
    {
        await ExecuteAsync($"ALTER DATABASE {_name} ALLOW_CONNECTIONS false");
        await ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{_name}'");
    }

    public Task RestoreAsync() => ExecuteAsync($"ALTER DATABASE {_name} ALLOW_CONNECTIONS true");

    public ValueTask DisposeAsync() => new(ExecuteAsync($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)"));

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(_admin) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A new database on the test MariaDB, and the server settings that use it; dropped when disposed.</summary>
public sealed class MySqlDatabase : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string _name = $"annotator_it_{Guid.NewGuid():N}";

    private MySqlDatabase(string admin) => _admin = admin;

    public Dictionary<string, string> Settings => new()
    {
        ["Annotator:Catalog:Provider"] = "mysql",
        ["Annotator:Catalog:ConnectionString"] = new MySqlConnector.MySqlConnectionStringBuilder(_admin) { Database = _name }.ConnectionString,
    };

    /// <summary>On the shared test server, or on the one <paramref name="admin"/> (a connection string with every privilege) names.</summary>
    public static async Task<MySqlDatabase> CreateAsync(string? admin = null)
    {
        var database = new MySqlDatabase(admin ?? TestServices.MySql ?? throw new InvalidOperationException("ANNOTATOR_TEST_MYSQL is not set: scripts/test starts MariaDB"));
        await database.ExecuteAsync($"CREATE DATABASE {database._name}");
        return database;
    }

    public ValueTask DisposeAsync() => new(ExecuteAsync($"DROP DATABASE IF EXISTS {_name}"));

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnector.MySqlConnection(new MySqlConnector.MySqlConnectionStringBuilder(_admin) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlConnector.MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A test that needs the servers scripts/services starts: skipped without them, failed without them when they are required.</summary>
public sealed class ServicesFactAttribute : FactAttribute
{
    public ServicesFactAttribute(params string[] variables)
    {
        if (variables.FirstOrDefault(v => Environment.GetEnvironmentVariable(v) is null) is { } variable && !TestServices.Required)
            Skip = $"{variable} is not set: scripts/test starts the servers this test needs";
    }
}
