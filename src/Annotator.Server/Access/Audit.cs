using Annotator.Access;

namespace Annotator.Server.Access;

/// <summary>Audit entries for what a request did, with its caller and address.</summary>
public static class Audit
{
    public static AuditEntry Of(HttpContext context, string action, string? target, string? detail = null) =>
        new(0, TimeProvider.System.GetUtcNow(), context.User.UserId(), context.User.UserName(), action, target, detail,
            context.Connection.RemoteIpAddress?.ToString());

    /// <summary>Appends the entry after the change it records succeeded; a failure to record is logged, not the caller's error.</summary>
    public static async Task RecordAsync(this HttpContext context, string action, string? target, string? detail = null)
    {
        try
        {
            await context.RequestServices.GetRequiredService<IAuditLog>().AppendAsync(Of(context, action, target, detail), CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Audit))
                .LogError(e, "Could not record {Action} of {Target} in the audit log", action, target);
        }
    }
}
