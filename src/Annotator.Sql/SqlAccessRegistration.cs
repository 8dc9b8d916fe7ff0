using Annotator.Access;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Sql;

public static class SqlAccessRegistration
{
    /// <summary>
    /// Accounts, sessions, tokens, audit and the key ring in the catalog's database. The engine registers its
    /// <see cref="IAccessDatabase"/> first; these stores hold no state of their own, so one of each serves every request.
    /// </summary>
    public static IServiceCollection AddSqlAccess(this IServiceCollection services)
    {
        services.AddSingleton<IUserStore, SqlUserStore>();
        services.AddSingleton<ISessionStore, SqlSessionStore>();
        services.AddSingleton<ITokenStore, SqlTokenStore>();
        services.AddSingleton<IAuditLog, SqlAuditLog>();
        services.AddSingleton<IKeyStore, SqlKeyStore>();
        return services;
    }
}
