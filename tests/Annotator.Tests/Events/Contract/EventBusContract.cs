using Annotator.Tests.Contract;
using Annotator.Events;
using Annotator.Processing;

namespace Annotator.Tests.Events.Contract;

/// <summary>
/// What every <see cref="IEventBus"/> promises, run against each transport by a subclass: every function gets every
/// event; a throw is retried after a delay and counted, and the last one leaves a dead letter that replays to its
/// function only; "busy elsewhere" comes back without spending an attempt; stopping hands deliveries back; one
/// function never waits for another; one key never runs twice at once on a node. A "node" is one bus instance; the
/// functions are always "thumbnail" and "caption", as in the service. Waits have generous deadlines; no assertion
/// depends on how fast a transport is.
/// </summary>
public abstract class EventBusContract : IAsyncLifetime
{
    /// <summary>Short delays keep the tests quick; the in-process queue's poll (1 s) still comes after them.</summary>
    protected static readonly EventsOptions Retries = new() { MaxAttempts = 3, RetryDelays = [TimeSpan.FromMilliseconds(300)] };

    protected static readonly string[] Functions = ["thumbnail", "caption"];

    /// <summary>A new node on this test's transport, knowing both functions.</summary>
    protected abstract Task<IEventBus> NodeAsync();

    protected abstract IDeadLetters DeadLetters { get; }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [ContractFact]
    public async Task Every_function_gets_every_published_event_once()
    {
        var bus = await NodeAsync();
        var thumbnails = new TestFunction("thumbnail");
        var captions = new TestFunction("caption");
        var keys = Keys(20);

        await using (var _ = new Consuming(bus, thumbnails, captions))
        {
            await bus.PublishAsync(keys[..10], None);
            await bus.PublishAsync(keys[10..], None);
            await Wait.Until(() => thumbnails.Calls.Count >= 20 && captions.Calls.Count >= 20, "both functions get all 20 events");
        }

        Assert.Equal(keys.Select(k => k.Key).Order(), thumbnails.Keys.Order());
        Assert.Equal(keys.Select(k => k.Key).Order(), captions.Keys.Order());
    }

    [ContractFact]
    public async Task A_function_that_throws_is_retried_after_the_delay_and_can_then_succeed_without_a_dead_letter()
    {
        var bus = await NodeAsync();
        var flaky = new TestFunction("thumbnail", behaviour: (call, _) => call.Number < 3 ? throw new IOException("disk gone") : Done);

        await using (var _ = new Consuming(bus, flaky))
        {
            await bus.PublishAsync(Keys(1), None);
            await Wait.Until(() => flaky.Calls.Count >= 3, "the third attempt");
        }

        var calls = flaky.Calls.ToArray();
        Assert.Equal(3, calls.Length);
        Assert.All(calls.Zip(calls.Skip(1)), pair => AtLeastTheDelay(TestFunction.Between(pair.First, pair.Second)));
        Assert.Empty(await DeadLetters.ListAsync(null, 10, None));
    }

    [ContractFact]
    public async Task After_the_last_attempt_a_dead_letter_is_kept_and_replays_to_that_function_only()
    {
        var bus = await NodeAsync();
        var broken = true;
        var thumbnails = new TestFunction("thumbnail", behaviour: (_, _) => Volatile.Read(ref broken) ? throw new IOException("disk gone") : Done);
        var captions = new TestFunction("caption");
        var key = Keys(1);

        await using (var _ = new Consuming(bus, thumbnails, captions))
        {
            await bus.PublishAsync(key, None);
            var letter = await Wait.For(async () => (await DeadLetters.ListAsync(key[0].Key, 10, None)).SingleOrDefault(), "the dead letter");
            Assert.Equal(("thumbnail", key[0], Retries.MaxAttempts, "disk gone"), (letter.Subscriber, letter.Event, letter.Attempts, letter.Reason));
            Assert.Equal(Retries.MaxAttempts, thumbnails.Calls.Count);

            Volatile.Write(ref broken, false);
            var taken = await DeadLetters.TakeAsync(letter.Id, None);
            await bus.RedeliverAsync(taken!.Subscriber, taken.Event, None);
            await Wait.Until(() => thumbnails.Calls.Count > Retries.MaxAttempts, "the replay");
        }

        Assert.Equal(Retries.MaxAttempts + 1, thumbnails.Calls.Count);
        Assert.Equal(key[0].Key, Assert.Single(captions.Calls).Key);
        Assert.Empty(await DeadLetters.ListAsync(null, 10, None));
    }

    [ContractFact]
    public async Task A_busy_result_comes_back_after_its_delay_without_spending_an_attempt()
    {
        var bus = await NodeAsync();
        var wait = Retries.RetryDelays[0];
        var thumbnails = new TestFunction("thumbnail", behaviour: (call, _) => call.Number <= 2 ? Task.FromResult(HandlerResult.Later(wait)) : throw new IOException("disk gone"));
        var key = Keys(1);

        await using (var _ = new Consuming(bus, thumbnails))
        {
            await bus.PublishAsync(key, None);
            var letter = await Wait.For(async () => (await DeadLetters.ListAsync(key[0].Key, 10, None)).SingleOrDefault(), "the dead letter");
            Assert.Equal(Retries.MaxAttempts, letter.Attempts);
        }

        var calls = thumbnails.Calls.ToArray();
        Assert.Equal(2 + Retries.MaxAttempts, calls.Length); // two "busy", then every attempt
        AtLeastTheDelay(TestFunction.Between(calls[0], calls[1]));
    }

    [ContractFact]
    public async Task Stopping_mid_delivery_hands_it_back_and_the_next_consumer_gets_it()
    {
        var first = await NodeAsync();
        var stuck = new TestFunction("thumbnail", behaviour: async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return HandlerResult.Done;
        });
        var key = Keys(1);

        await using (var _ = new Consuming(first, stuck))
        {
            await first.PublishAsync(key, None);
            await Wait.Until(() => !stuck.Calls.IsEmpty, "the first node has the delivery");
        } // stopping returns once the delivery is handed back

        var second = new TestFunction("thumbnail");
        await using (var _ = new Consuming(await NodeAsync(), second))
            await Wait.Until(() => !second.Calls.IsEmpty, "the next node gets the delivery handed back");

        Assert.Equal(key[0].Key, Assert.Single(stuck.Calls).Key);
        Assert.Equal(key[0].Key, Assert.Single(second.Calls).Key);
        Assert.Empty(await DeadLetters.ListAsync(null, 10, None));
    }

    [ContractFact]
    public async Task A_slow_function_never_holds_up_the_other()
    {
        var bus = await NodeAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thumbnails = new TestFunction("thumbnail", behaviour: async (_, cancellationToken) =>
        {
            await gate.Task.WaitAsync(cancellationToken);
            return HandlerResult.Done;
        });
        var captions = new TestFunction("caption");
        var keys = Keys(10);

        await using (var _ = new Consuming(bus, thumbnails, captions))
        {
            await bus.PublishAsync(keys, None);
            await Wait.Until(() => captions.Calls.Count >= 10, "every caption while thumbnails are stuck");
            Assert.True(thumbnails.Calls.Count <= thumbnails.Concurrency, "thumbnails take no more than they can work on");

            gate.SetResult();
            await Wait.Until(() => thumbnails.Calls.Count >= 10, "every thumbnail once unstuck");
        }

        Assert.Equal(keys.Select(k => k.Key).Order(), thumbnails.Keys.Order());
    }

    [ContractFact]
    public async Task Deliveries_of_a_key_in_hand_never_run_beside_it_and_fold_into_one_more_run()
    {
        var bus = await NodeAsync();
        int inside = 0, mostAtOnce = 0, runs = 0;
        var captions = new TestFunction("caption", concurrency: 8, behaviour: async (_, cancellationToken) =>
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref mostAtOnce, now);
            await Task.Delay(500, cancellationToken);
            Interlocked.Decrement(ref inside);
            Interlocked.Increment(ref runs);
            return HandlerResult.Done;
        });
        var key = Keys(1);

        await using (var _ = new Consuming(bus, captions))
        {
            await bus.PublishAsync(key, None);
            await Wait.Until(() => Volatile.Read(ref inside) == 1, "the first run");
            // Twenty re-captions while the first runs.
            await bus.PublishAsync([.. Enumerable.Repeat(key[0], 20)], None);
            await Wait.Until(() => Volatile.Read(ref runs) >= 2 && Volatile.Read(ref inside) == 0, "the run for the twenty");
        }

        Assert.Equal(1, mostAtOnce);
        Assert.InRange(runs, 2, 4); // the first, then one or a few for all twenty, never 21
    }

    protected static CancellationToken None => CancellationToken.None;

    private static Task<HandlerResult> Done => Task.FromResult(HandlerResult.Done);

    /// <summary>Distinct <c>raw/</c> keys, as the upload service writes them.</summary>
    protected static ObjectCreated[] Keys(int count) => [.. Enumerable.Range(0, count).Select(_ => new ObjectCreated($"raw/{Guid.NewGuid():N}.jpg"))];

    /// <summary>A lower bound only (a transport may always be later); a little under, for clocks that tick coarsely.</summary>
    private static void AtLeastTheDelay(TimeSpan between) =>
        Assert.True(between >= Retries.RetryDelays[0] * 0.9, $"came back after {between.TotalMilliseconds:F0} ms, before the {Retries.RetryDelays[0].TotalMilliseconds} ms delay");

    private static void InterlockedMax(ref int location, int value)
    {
        for (var seen = Volatile.Read(ref location); value > seen; seen = Volatile.Read(ref location))
            if (Interlocked.CompareExchange(ref location, value, seen) == seen) return;
    }
}
