using BotBottle.Worker.Bottles.Docker;

namespace BotBottle.Worker.Tests.Bottles;

public sealed class SubnetPoolTests
{
    [Theory]
    [InlineData("10.213.0.1", true)]
    [InlineData("10.213.255.254", true)]
    [InlineData("10.214.0.1", false)]
    [InlineData("172.18.0.1", false)]
    public void Contains_tells_whether_an_address_is_in_the_network(string address, bool expected)
    {
        Assert.Equal(expected, SubnetPool.Contains("10.213.0.0/16", System.Net.IPAddress.Parse(address)));
    }

    [Fact]
    public void First_free_subnet_is_the_start_of_the_pool()
    {
        var pool = new SubnetPool("10.213.0.0/16", 28);

        Assert.Equal("10.213.0.0/28", pool.NextFree(new HashSet<string>()));
    }

    [Fact]
    public void Taken_subnets_are_skipped_in_order()
    {
        var pool = new SubnetPool("10.213.0.0/16", 28);

        Assert.Equal("10.213.0.32/28", pool.NextFree(new HashSet<string> { "10.213.0.0/28", "10.213.0.16/28" }));
    }

    [Theory]
    [InlineData("10.213.0.0/24", "10.213.1.0/28")]
    [InlineData("10.0.0.0/8", null)]
    [InlineData("10.213.0.8/29", "10.213.0.16/28")]
    [InlineData("fd00::/64", "10.213.0.0/28")]
    public void Subnets_overlapping_another_network_of_any_size_are_skipped(string other, string? expected)
    {
        // Another network on the engine (any size, inside or around the pool) takes every bottle
        // subnet it overlaps: Docker refuses to create those.
        var pool = new SubnetPool("10.213.0.0/16", 28);

        Assert.Equal(expected, pool.NextFree(new HashSet<string> { other }));
    }

    [Fact]
    public void A_16_pool_of_28_subnets_holds_4096_bottles()
    {
        Assert.Equal(4096, new SubnetPool("10.213.0.0/16", 28).Capacity);
    }

    [Fact]
    public void A_full_pool_has_no_next_subnet()
    {
        var pool = new SubnetPool("192.168.77.0/27", 28);

        Assert.Null(pool.NextFree(new HashSet<string> { "192.168.77.0/28", "192.168.77.16/28" }));
    }

    [Fact]
    public void Pool_address_is_aligned_to_its_prefix()
    {
        Assert.Equal("10.213.0.0/28", new SubnetPool("10.213.7.9/16", 28).NextFree(new HashSet<string>()));
    }

    [Theory]
    [InlineData("10.213.0.0")]
    [InlineData("not-a-network/16")]
    [InlineData("::1/64")]
    [InlineData("10.0.0.0/40")]
    public void Malformed_pool_is_refused(string pool)
    {
        Assert.Throws<FormatException>(() => new SubnetPool(pool, 28));
    }

    [Fact]
    public void Bottle_subnet_wider_than_the_pool_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SubnetPool("10.213.0.0/24", 16));
    }

    [Fact]
    public void Gateway_is_the_first_host_address_of_the_subnet()
    {
        Assert.Equal("10.213.0.17", SubnetPool.GatewayOf("10.213.0.16/28"));
    }
}
