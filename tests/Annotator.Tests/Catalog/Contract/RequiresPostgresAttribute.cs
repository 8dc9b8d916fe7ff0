using Annotator.Tests.Contract;

namespace Annotator.Tests.Catalog.Contract;

/// <summary>Tests against the run's PostgreSQL; without one they skip, unless services are required.</summary>
public sealed class RequiresPostgresAttribute : BackendAttribute
{
    public override string? Missing => TestServices.Postgres is null && !TestServices.Required
        ? "no PostgreSQL to test against: set ANNOTATOR_TEST_POSTGRES=Host=127.0.0.1;Port=PORT;Username=USER;Password=PASSWORD to a role that may create databases (scripts/test starts PostgreSQL and sets it)"
        : null;
}
