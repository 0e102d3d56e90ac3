using System.Text;

namespace BotBottle.Egress.Scanner.Tests;

public sealed class TextDecodersTests
{
    [Theory]
    [InlineData("plain", "plain", false)]
    [InlineData("%67hp%5F", "ghp_", true)]
    [InlineData("a%00b", "a\0b", true)]
    [InlineData("a+b", "a b", true)]
    [InlineData("%2567", "%67", true)]
    [InlineData("%zz%4", "%zz%4", false)]
    [InlineData("\\u0067hp\\u005f", "ghp_", true)]
    [InlineData("\\x67\\/\\n", "g/\n", true)]
    [InlineData("\\u20ac", "?", true)]
    [InlineData("%", "%", false)]
    [InlineData("\\", "\\", false)]
    public void One_layer_of_escaping_is_undone_in_place(string input, string expected, bool changed)
    {
        var text = input.ToCharArray();

        var length = TextDecoders.DecodeInPlace(text, out var wasChanged);

        Assert.Equal(expected, new string(text, 0, length));
        Assert.Equal(changed, wasChanged);
    }

    [Theory]
    [InlineData("eC1hY2Nlc3MtdG9rZW46Z2hwX2FiYw==", "x-access-token:ghp_abc")]
    [InlineData("eC1hY2Nlc3MtdG9rZW46Z2hwX2FiYw", "x-access-token:ghp_abc")]
    [InlineData("eC1h Y2Nl\tc3Mt", "x-access-")]
    [InlineData("Pz8_", "???")]
    [InlineData("Pz8/", "???")]
    [InlineData("YWJj!garbage", "abc")]
    [InlineData("", "")]
    public void Base64_is_decoded_leniently(string input, string expected)
    {
        var output = new byte[input.Length * 3 / 4 + 3];

        var length = TextDecoders.DecodeBase64Lenient(input, output);

        Assert.Equal(expected, Encoding.Latin1.GetString(output, 0, length));
    }
}
