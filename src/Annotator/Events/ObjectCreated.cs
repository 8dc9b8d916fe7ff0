namespace Annotator.Events;

/// <summary>An object was written to the store. Only <c>raw/</c> keys start work.</summary>
public sealed record ObjectCreated(string Key);
