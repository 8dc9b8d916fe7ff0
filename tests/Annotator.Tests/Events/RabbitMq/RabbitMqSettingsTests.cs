using Annotator.Events.RabbitMq;
using Microsoft.Extensions.Logging.Abstractions;

namespace Annotator.Tests.Events.RabbitMq;

/// <summary>The RabbitMQ settings' start-up checks and messages: one line each, naming the setting, never the password.</summary>
public sealed class RabbitMqSettingsTests
{
    private static readonly RabbitMqTopology Topology = new("annotator", ["thumbnail"], [TimeSpan.FromSeconds(1)], 10);

    private static string[] Failures(RabbitMqOptions options) =>
        [.. new RabbitMqOptionsValidation().Validate(null, options).Failures ?? []];

    [Fact]
    public void Good_settings_pass()
    {
        Assert.Empty(Failures(new RabbitMqOptions { Uri = "amqp://annotator:secret@broker:5672/prod" }));
        Assert.Empty(Failures(new RabbitMqOptions { Uri = "amqps://broker/" }));
    }

    [Fact]
    public void A_missing_uri_says_what_to_set()
    {
        Assert.Equal(["Annotator:Events:RabbitMq:Uri is required when Annotator:Events:Provider is rabbitmq, e.g. amqp://user:password@host:5672/vhost"],
            Failures(new RabbitMqOptions()));
    }

    [Theory]
    [InlineData("http://annotator:hunter2@broker/")]
    [InlineData("amqp://annotator:hunter2@/")]
    [InlineData("broker:5672")]
    public void A_uri_that_is_not_amqp_is_refused_without_echoing_it(string uri)
    {
        var failure = Assert.Single(Failures(new RabbitMqOptions { Uri = uri }));

        Assert.Equal("Annotator:Events:RabbitMq:Uri must be an amqp:// or amqps:// URI with a host, e.g. amqp://user:password@host:5672/vhost", failure);
    }

    [Fact]
    public void A_uri_names_one_vhost_at_most()
    {
        Assert.Empty(Failures(new RabbitMqOptions { Uri = "amqp://broker/%2F" }));
        Assert.Equal(["Annotator:Events:RabbitMq:Uri names one vhost after the host at most (write a vhost '/' as %2F), e.g. amqp://user:password@host:5672/vhost"],
            Failures(new RabbitMqOptions { Uri = "amqp://broker/a/b" }));
    }

    [Fact]
    public void A_password_file_must_be_readable_and_not_empty()
    {
        var empty = Path.GetTempFileName();
        try
        {
            var missing = Assert.Single(Failures(new RabbitMqOptions { Uri = "amqp://broker/", PasswordFile = "/nonexistent/rabbitmq-password" }));
            var blank = Assert.Single(Failures(new RabbitMqOptions { Uri = "amqp://broker/", PasswordFile = empty }));

            Assert.StartsWith("Annotator:Events:RabbitMq:PasswordFile '/nonexistent/rabbitmq-password' cannot be read: ", missing);
            Assert.Equal($"Annotator:Events:RabbitMq:PasswordFile '{empty}' is empty", blank);
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Fact]
    public void The_prefix_and_the_delivery_limit_are_checked()
    {
        var failures = Failures(new RabbitMqOptions { Uri = "amqp://broker/", Prefix = "my queues", DeliveryLimit = 0 });

        Assert.Equal([
            "Annotator:Events:RabbitMq:Prefix must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit (it starts every queue and exchange name)",
            "Annotator:Events:RabbitMq:DeliveryLimit must be between 1 and 1000.",
        ], failures);
    }

    [Fact]
    public void The_uri_shown_in_messages_has_no_password()
    {
        Assert.Equal("amqp://annotator@broker:5672/prod", new RabbitMqOptions { Uri = "amqp://annotator:hunter2@broker:5672/prod" }.SafeUri);
    }

    [Fact]
    public async Task An_unreachable_broker_fails_in_one_line_naming_it_without_the_password()
    {
        var options = new RabbitMqOptions { Uri = "amqp://annotator:hunter2@127.0.0.1:1/" };

        var failure = await Assert.ThrowsAsync<RabbitMqSetupException>(() => RabbitMqConnection.OpenAsync(options, Topology, NullLogger.Instance, CancellationToken.None));

        Assert.StartsWith("cannot connect to RabbitMQ at amqp://annotator@127.0.0.1:1/: ", failure.Message);
        Assert.DoesNotContain("hunter2", failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
    }

    [Fact]
    public void A_wait_between_two_retry_delays_takes_the_longer_and_one_past_the_last_takes_the_last()
    {
        var topology = new RabbitMqTopology("annotator", ["thumbnail"], [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5)], 10);

        Assert.Equal("annotator.thumbnail.retry.1000", topology.RetryQueue("thumbnail", TimeSpan.Zero));
        Assert.Equal("annotator.thumbnail.retry.1000", topology.RetryQueue("thumbnail", TimeSpan.FromSeconds(1)));
        Assert.Equal("annotator.thumbnail.retry.5000", topology.RetryQueue("thumbnail", TimeSpan.FromSeconds(1.2)));
        Assert.Equal("annotator.thumbnail.retry.30000", topology.RetryQueue("thumbnail", TimeSpan.FromSeconds(29)));
        Assert.Equal("annotator.thumbnail.retry.30000", topology.RetryQueue("thumbnail", TimeSpan.FromMinutes(5)));
    }
}
