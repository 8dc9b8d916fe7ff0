namespace Annotator.Tests.Events.Contract;

/// <summary>Waiting for what a transport does by itself, with a deadline generous enough that only a broken one misses it.</summary>
public static class Wait
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"gave up waiting for {what} after {Patience.TotalSeconds} s");
            await Task.Delay(20);
        }
    }

    public static async Task<T> For<T>(Func<Task<T?>> value, string what) where T : class
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (await value() is { } found) return found;
            if (DateTime.UtcNow > deadline) Assert.Fail($"gave up waiting for {what} after {Patience.TotalSeconds} s");
            await Task.Delay(20);
        }
    }
}
