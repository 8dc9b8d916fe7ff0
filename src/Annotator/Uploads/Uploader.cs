namespace Annotator.Uploads;

/// <summary>Who uploads: the account's id and user name, and the address the upload came from (for the audit log).</summary>
public sealed record Uploader(string Id, string Name, string? Address);
