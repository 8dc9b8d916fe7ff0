namespace Annotator.Aws.Tests;

public sealed class DatabaseTests(DefaultStack fixture) : IClassFixture<DefaultStack>
{
    private readonly SynthesizedStack _stack = fixture.Synthesized;

    [Fact]
    public void The_catalog_is_mysql_8_in_the_isolated_subnets_not_public_encrypted_with_generated_credentials()
    {
        var database = Assert.Single(_stack.Resources("AWS::RDS::DBInstance")).Properties;
        Assert.Equal("mysql", database.GetProperty("Engine").GetString());
        Assert.StartsWith("8.0", database.GetProperty("EngineVersion").GetString());
        Assert.False(database.GetProperty("PubliclyAccessible").GetBoolean());
        Assert.True(database.GetProperty("StorageEncrypted").GetBoolean());
        Assert.False(database.GetProperty("MultiAZ").GetBoolean());
        // The password is resolved by CloudFormation from the generated secret: the template holds a reference only.
        Assert.Matches(@"^\{\{resolve:secretsmanager:@\w+:SecretString:password::\}\}$", SynthesizedStack.Render(database.GetProperty("MasterUserPassword")));
        var secret = Assert.Single(_stack.Resources("AWS::SecretsManager::Secret"), s => s.Properties.GetProperty("GenerateSecretString").TryGetProperty("SecretStringTemplate", out _)).Properties;
        Assert.Equal("password", secret.GetProperty("GenerateSecretString").GetProperty("GenerateStringKey").GetString());

        var group = Assert.Single(_stack.Resources("AWS::RDS::DBSubnetGroup")).Properties;
        var isolated = _stack.Stack.Network.Vpc.IsolatedSubnets.Select(s => "@" + _stack.Id(s)).Order();
        Assert.Equal(isolated, group.GetProperty("SubnetIds").EnumerateArray().Select(SynthesizedStack.Render).Order());
    }

    [Fact]
    public void Multi_az_is_a_parameter()
    {
        var multiAz = new SynthesizedStack(new() { ["multiAz"] = "true", ["databaseInstanceType"] = "m7g.large" });
        var database = Assert.Single(multiAz.Resources("AWS::RDS::DBInstance")).Properties;
        Assert.True(database.GetProperty("MultiAZ").GetBoolean());
        Assert.Equal("db.m7g.large", database.GetProperty("DBInstanceClass").GetString());
    }
}
