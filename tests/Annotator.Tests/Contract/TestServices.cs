namespace Annotator.Tests.Contract;

/// <summary>
/// The servers a test run was given (scripts/services starts them and exports where they listen). With
/// <c>ANNOTATOR_TEST_SERVICES=required</c> a missing one fails the tests instead of skipping them, so CI cannot
/// pass by testing nothing.
/// </summary>
public static class TestServices
{
    public static bool Required => Environment.GetEnvironmentVariable("ANNOTATOR_TEST_SERVICES") == "required";

    /// <summary>A PostgreSQL role that may create databases: <c>Host=…;Port=…;Username=…;Password=…</c>, no Database.</summary>
    public static string? Postgres => Variable("ANNOTATOR_TEST_POSTGRES");

    /// <summary>A MariaDB or MySQL server: a connection string without Database, for a user that may create databases.</summary>
    public static string? MySql => Variable("ANNOTATOR_TEST_MYSQL");

    /// <summary>A throw-away RabbitMQ broker: <c>amqp://user:pass@127.0.0.1:PORT/</c>.</summary>
    public static string? RabbitMq => Variable("ANNOTATOR_TEST_RABBITMQ");

    /// <summary>An executable that runs <c>rabbitmqctl</c> against that broker (<c>stop_app</c>, <c>start_app</c>).</summary>
    public static string? RabbitMqCtl => Variable("ANNOTATOR_TEST_RABBITMQCTL");

    /// <summary>The variable's value, or a failure naming it when services are required.</summary>
    public static string Need(string? value, string variable) => value ?? throw new InvalidOperationException(
        $"ANNOTATOR_TEST_SERVICES=required but {variable} is not set: scripts/services starts the test services and exports it");

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
