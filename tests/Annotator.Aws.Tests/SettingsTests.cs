namespace Annotator.Aws.Tests;

public sealed class SettingsTests
{
    [Theory]
    [InlineData("0.0.0.0/0", "must not be open to the whole internet")]
    [InlineData("example.com", "give an IPv4 network")]
    public void An_admin_cidr_that_opens_ssh_to_everyone_or_is_no_network_stops_synthesis(string cidr, string message)
    {
        var e = Assert.Throws<StackSettingsException>(() => new SynthesizedStack(new() { ["adminCidr"] = cidr }));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_wrong_number_or_certificate_names_the_parameter()
    {
        Assert.Contains("maxSize", Assert.Throws<StackSettingsException>(() => new SynthesizedStack(new() { ["maxSize"] = "lots" })).Message);
        Assert.Contains("certificateArn", Assert.Throws<StackSettingsException>(() => new SynthesizedStack(new() { ["certificateArn"] = "my-cert" })).Message);
    }
}
