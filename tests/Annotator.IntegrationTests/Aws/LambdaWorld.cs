using Annotator.IntegrationTests.ScaleOut;
using Annotator.Testing;
using Annotator.Testing.Fakes;
using MySqlConnector;

namespace Annotator.IntegrationTests.Aws;

/// <summary>
/// What the functions find on AWS, made of the scale-out tests' real servers: the catalog in a MariaDB database, the
/// bucket on the S3 stand-in, a web node (<c>--role web</c>) that takes uploads and migrated the catalog, the secrets
/// behind a loopback secrets extension, and Gemini as a loopback fake. Absent without the servers.
/// </summary>
public sealed class LambdaWorld : IAsyncLifetime
{
    public const string DatabaseSecretId = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:AnnotatorDatabaseSecret-AbCdEf";
    public const string GeminiSecretId = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:WorkflowGeminiApiKey-GhIjKl";
    public const string GeminiKey = "lambda-it-gemini-key";

    private MySqlDatabase? _database;
    public AnnotatorProcess Web { get; private set; } = null!;
    public FakeSecretsExtension Secrets { get; private set; } = null!;
    public FakeGeminiServer Gemini { get; private set; } = null!;
    public string Bucket { get; private set; } = "";
    private Dictionary<string, string> _storage = [];

    public async Task InitializeAsync()
    {
        if (TestServices.MySql is null || TestServices.S3 is null) return;
        _database = await MySqlDatabase.CreateAsync();
        _storage = await TestServices.NewBucketAsync();
        Bucket = _storage["Annotator:Storage:S3:Bucket"];
        Web = await AnnotatorProcess.StartAsync(WebSettings(), arguments: ["--role", "web"]);
        Secrets = await FakeSecretsExtension.StartAsync();
        Gemini = await FakeGeminiServer.StartNewAsync();
        Gemini.ExpectedKey = GeminiKey;
        var catalog = new MySqlConnectionStringBuilder(_database.Settings["Annotator:Catalog:ConnectionString"]);
        Secrets.Set(DatabaseSecretId, DatabaseSecret(catalog.Server, catalog.Port));
        Secrets.Set(GeminiSecretId, GeminiKey);
    }

    /// <summary>A web node's settings on this world's catalog and bucket.</summary>
    public Dictionary<string, string> WebSettings() => new(_database!.Settings.Concat(_storage));

    /// <summary>RDS's generated secret for the catalog (its documented JSON), here for a server at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public string DatabaseSecret(string host, uint port)
    {
        var catalog = new MySqlConnectionStringBuilder(_database!.Settings["Annotator:Catalog:ConnectionString"]);
        return new System.Text.Json.Nodes.JsonObject
        {
            ["username"] = catalog.UserID, ["password"] = catalog.Password, ["engine"] = "mysql",
            ["host"] = host, ["port"] = (int)port, ["dbname"] = catalog.Database, ["dbInstanceIdentifier"] = "annotator-catalog",
        }.ToJsonString();
    }

    /// <summary>The function's environment as the stack sets it (deploy/aws/Workflow.cs), pointed at this world.</summary>
    public Dictionary<string, string> Environment(string handler)
    {
        var environment = new Dictionary<string, string>
        {
            // What Lambda itself sets.
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_ACCESS_KEY_ID"] = _storage["AWS_ACCESS_KEY_ID"],
            ["AWS_SECRET_ACCESS_KEY"] = _storage["AWS_SECRET_ACCESS_KEY"],
            ["AWS_SESSION_TOKEN"] = FakeSecretsExtension.Token,
            ["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"] = Secrets.Port.ToString(),
            // What the template sets.
            ["Annotator__Catalog__Provider"] = "mysql",
            ["Annotator__Catalog__ConnectionString"] = "ConnectionTimeout=5",
            ["ANNOTATOR_DATABASE_SECRET_ID"] = DatabaseSecretId,
            ["Annotator__Storage__Provider"] = "s3",
            ["Annotator__Storage__S3__Bucket"] = Bucket,
            ["Annotator__DataDirectory"] = Path.Combine(Path.GetTempPath(), "annotator-lambda-data"),
            // The stand-ins' addresses instead of AWS's.
            ["Annotator__Storage__S3__ServiceUrl"] = _storage["Annotator:Storage:S3:ServiceUrl"],
            ["Annotator__Storage__S3__ForcePathStyle"] = "true",
            ["Annotator__Events__RetryDelays__0"] = "00:00:00.1",
        };
        if (handler == LambdaPackage.Annotation)
        {
            environment["Annotator__Captions__Provider"] = "gemini";
            environment["Annotator__Captions__Gemini__Model"] = "gemini-lambda-it";
            environment["Annotator__Captions__Gemini__BaseUrl"] = Gemini.BaseUrl.ToString();
            environment["Annotator__Captions__Gemini__RetryDelay"] = "00:00:00.05";
            environment["ANNOTATOR_GEMINI_SECRET_ID"] = GeminiSecretId;
        }
        else environment["Annotator__Captions__Provider"] = "offline";
        return environment;
    }

    public async Task<string> ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(_database!.Settings["Annotator:Catalog:ConnectionString"]);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        return (await command.ExecuteNonQueryAsync()).ToString();
    }

    public async Task DisposeAsync()
    {
        if (_database is null) return;
        await Web.DisposeAsync();
        await Secrets.DisposeAsync();
        await Gemini.DisposeAsync();
        await _database.DisposeAsync();
    }
}

/// <summary>One <see cref="LambdaWorld"/> for the handler and the bus tests: a database, a bucket and a web node each, not two.</summary>
[CollectionDefinition(Name)]
public sealed class LambdaCollection : ICollectionFixture<LambdaWorld>
{
    public const string Name = "Lambda";
}
