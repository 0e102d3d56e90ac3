using BotBottle.Core.State;

namespace BotBottle.Core.Tests.State;

public sealed class SlugTests
{
    [Fact]
    public void Generated_slugs_are_four_lowercase_hex_characters()
    {
        var generator = new SlugGenerator();

        var slugs = Enumerable.Range(0, 50).Select(_ => generator.Next(_ => false)).ToList();

        Assert.All(slugs, s => Assert.Matches("^[0-9a-f]{4}$", s));
        Assert.True(slugs.Distinct().Count() > 1);
    }

    [Fact]
    public void Taken_slugs_are_skipped()
    {
        var draws = new Queue<string>(["a3f9", "a3f9", "b81c"]);
        var generator = new SlugGenerator(_ => draws.Dequeue());

        Assert.Equal("b81c", generator.Next(s => s == "a3f9"));
    }

    [Fact]
    public void Slug_grows_longer_after_repeated_collisions()
    {
        var requestedLengths = new List<int>();
        var generator = new SlugGenerator(length =>
        {
            requestedLengths.Add(length);
            return new string('a', length);
        });

        var slug = generator.Next(s => s.Length < 6);

        Assert.Equal("aaaaaa", slug);
        Assert.Equal([4, 4, 4, 4, 5, 5, 5, 5, 6], requestedLengths);
    }

    [Fact]
    public void Generator_gives_up_with_an_error_when_every_slug_is_taken()
    {
        var generator = new SlugGenerator(length => new string('a', length));

        Assert.Throws<InvalidOperationException>(() => generator.Next(_ => true));
    }

    [Theory]
    [InlineData("a3f9")]
    [InlineData("implementer-a3f9")]
    [InlineData("A3F9_x.1")]
    public void Prototype_style_slugs_are_valid(string slug)
    {
        Assert.True(Slug.IsValid(slug));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("-a")]
    [InlineData("a b")]
    [InlineData(null)]
    public void Slugs_that_are_not_a_single_safe_directory_name_are_invalid(string? slug)
    {
        Assert.False(Slug.IsValid(slug));
    }

    [Theory]
    [InlineData("a3f9c2d1", "a3f9")]
    [InlineData("a3f9", "a3f9")]
    [InlineData("ab", "ab")]
    public void Abbreviated_slug_is_the_first_four_characters(string slug, string expected)
    {
        Assert.Equal(expected, Slug.Abbreviate(slug));
    }
}
