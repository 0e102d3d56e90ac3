namespace BotBottle.Worker.Tests.Egress;

/// <summary>The egress test classes share one <see cref="EgressWorld"/>: its stand-in hosts have fixed names.</summary>
[CollectionDefinition(Name)]
public sealed class EgressScene : ICollectionFixture<EgressWorld>
{
    public const string Name = "egress";
}
