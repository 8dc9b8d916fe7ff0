using Annotator.Tests.Contract;
using Annotator.Events;
using Annotator.Events.RabbitMq;
using Annotator.Processing;
using Annotator.Tests.Events.Contract;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Annotator.Tests.Events.RabbitMq;

/// <summary>Starting on a real broker: the registration, the password file, and what stops a start with one line.</summary>
[RequiresRabbitMq]
public sealed class RabbitMqStartupTests : IAsyncLifetime
{
    private readonly RabbitMqTestBroker _broker = new(["thumbnail"], new EventsOptions());
    private readonly TempCatalog _catalog = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        await _catalog.DisposeAsync();
    }

    /// <summary>The test broker's URI with another password, and its real one.</summary>
    private (string Uri, string Password) WithWrongPassword()
    {
        var uri = new UriBuilder(_broker.Options.Uri);
        var password = Uri.UnescapeDataString(uri.Password);
        uri.Password = "wrong";
        return (uri.Uri.ToString(), password);
    }

    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOptions<EventsOptions>();
        services.AddSingleton<IDeadLetters>(_catalog.DeadLetters);
        services.AddSingleton<IObjectCreatedHandler>(new TestFunction("thumbnail"));
        services.AddSingleton<IEventBus>(_ => throw new InvalidOperationException("the bus registered before must be replaced"));
        services.AddRabbitMqEventBus(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }

    [ContractFact]
    public async Task The_registration_replaces_the_bus_and_takes_the_password_from_the_file()
    {
        var (uri, password) = WithWrongPassword();
        var file = Path.Combine(_catalog.Folder, "rabbitmq-password");
        await File.WriteAllTextAsync(file, password + "\n");
        await using var provider = Services(new()
        {
            ["Annotator:Events:RabbitMq:Uri"] = uri,
            ["Annotator:Events:RabbitMq:PasswordFile"] = file,
            ["Annotator:Events:RabbitMq:Prefix"] = _broker.Options.Prefix,
        });

        var bus = Assert.IsType<RabbitMqEventBus>(provider.GetRequiredService<IEventBus>());

        await bus.CheckAsync(CancellationToken.None);
        await bus.RedeliverAsync("thumbnail", new("raw/a.jpg"), CancellationToken.None); // its queue was declared at start
        Assert.Equal(1u, await _broker.ReadyAsync(_broker.Topology.Queue("thumbnail")));
    }

    [ContractFact]
    public void Wrong_settings_stop_the_bus_from_being_made()
    {
        using var provider = Services(new() { ["Annotator:Events:RabbitMq:Prefix"] = "has space" });

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IEventBus>());

        Assert.Equal(2, failure.Failures.Count()); // no URI, and the prefix
    }

    [ContractFact]
    public async Task A_refused_login_fails_in_one_line_without_the_password()
    {
        var options = new RabbitMqOptions { Uri = WithWrongPassword().Uri, Prefix = _broker.Options.Prefix };

        var failure = await Assert.ThrowsAsync<RabbitMqSetupException>(() => RabbitMqConnection.OpenAsync(options, _broker.Topology, NullLogger.Instance, CancellationToken.None));

        Assert.StartsWith($"cannot connect to RabbitMQ at {options.SafeUri}: ", failure.Message);
        Assert.Contains("ACCESS_REFUSED", failure.Message);
        Assert.DoesNotContain("wrong", failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
    }

    [ContractFact]
    public async Task A_vhost_that_is_not_there_stops_the_start_in_one_line()
    {
        var options = new RabbitMqOptions { Uri = new Uri(new Uri(_broker.Options.Uri), "/no-such-vhost").ToString(), Prefix = _broker.Options.Prefix };

        var failure = await Assert.ThrowsAsync<RabbitMqSetupException>(() => RabbitMqConnection.OpenAsync(options, _broker.Topology, NullLogger.Instance, CancellationToken.None));

        Assert.Equal($"cannot use RabbitMQ at {options.SafeUri}: NOT_ALLOWED - vhost no-such-vhost not found", failure.Message);
    }

    [ContractFact]
    public async Task Queues_declared_with_another_delivery_limit_stop_the_start_with_the_broker_s_reason()
    {
        await _broker.ConnectAsync(); // declares them with the limit of 10
        var options = new RabbitMqOptions { Uri = _broker.Options.Uri, Prefix = _broker.Options.Prefix, DeliveryLimit = 3 };
        var other = new RabbitMqTopology(options.Prefix, ["thumbnail"], new EventsOptions().RetryDelays, options.DeliveryLimit);

        var failure = await Assert.ThrowsAsync<RabbitMqSetupException>(() => RabbitMqConnection.OpenAsync(options, other, NullLogger.Instance, CancellationToken.None));

        Assert.StartsWith($"cannot use RabbitMQ at {options.SafeUri}: PRECONDITION_FAILED - inequivalent arg 'x-delivery-limit'", failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
    }
}
