using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using BotBottle.Core.Egress;

namespace BotBottle.Egress.Scanner.Tests;

public sealed class ProgramTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scanner-tests-").FullName;

    public static TheoryData<string[], string> BadArguments => new()
    {
        { [], "missing --patterns <file>" },
        { ["--listen", "127.0.0.1:1344"], "missing --patterns <file>" },
        { ["--patterns"], "--patterns needs a value" },
        { ["--patterns", "p", "--verbose"], "unknown argument '--verbose'" },
        { ["--patterns", "p", "--listen", "localhost"], "--listen 'localhost' is not an address:port" },
        { ["--patterns", "p", "--listen", "127.0.0.1"], "--listen '127.0.0.1' is not an address:port" },
        { ["--patterns", "p", "--max-body", "0"], "--max-body '0' is not a number of bytes" },
        { ["--patterns", "p", "--max-body", "-1"], "--max-body '-1' is not a number of bytes" },
        { ["--patterns", "p", "--max-body", "1e6"], "--max-body '1e6' is not a number of bytes" },
        { ["--patterns", "p", "--max-body", "999999999999"], "--max-body '999999999999' is not a number of bytes" },
        { ["--patterns", "p", "--patterns", "q"], "--patterns is given more than once" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task Bad_arguments_exit_2_with_a_message(string[] args, string message)
    {
        var stderr = new CapturingLog();

        var exit = await Program.RunAsync(args, stderr, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains(message, stderr.Text, StringComparison.Ordinal);
        Assert.Contains("usage: botbottle-egress-scanner --patterns <file>", stderr.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_parse_in_both_spellings_with_defaults()
    {
        Assert.True(ScannerOptions.TryParse(["--patterns", "/etc/p"], out var defaults, out _));
        Assert.True(ScannerOptions.TryParse(["--patterns=/etc/p", "--listen=[::1]:9", "--max-body=42"], out var given, out _));

        Assert.Equal(new ScannerOptions("/etc/p", new IPEndPoint(IPAddress.Loopback, 1344), 1048576), defaults);
        Assert.Equal(new ScannerOptions("/etc/p", new IPEndPoint(IPAddress.IPv6Loopback, 9), 42), given);
    }

    [Fact]
    public async Task Unreadable_patterns_file_exits_2()
    {
        var stderr = new CapturingLog();

        var exit = await Program.RunAsync(["--patterns", Path.Combine(_directory, "missing")], stderr, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains("cannot read the patterns file", stderr.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_patterns_file_exits_2_naming_the_line()
    {
        var path = Path.Combine(_directory, "patterns");
        await File.WriteAllTextAsync(path, "# header\ngood\tabc\nbad\t[unclosed\n");
        var stderr = new CapturingLog();

        var exit = await Program.RunAsync(["--patterns", path], stderr, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains($"{path} line 3: pattern 'bad' is not a valid regular expression", stderr.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Address_in_use_exits_1()
    {
        var path = await WritePatternsAsync();
        await using var taken = ScannerServer.Start(1024, TimeSpan.FromSeconds(5), TextWriter.Null);
        var stderr = new CapturingLog();

        var exit = await Program.RunAsync(["--patterns", path, "--listen", taken.LocalEndPoint.ToString()], stderr, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("cannot listen on", stderr.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_serves_and_stops_cleanly_when_cancelled()
    {
        var path = await WritePatternsAsync();
        var stderr = new CapturingLog();
        using var stop = new CancellationTokenSource();

        var run = Program.RunAsync(["--patterns", path, "--listen", "127.0.0.1:0", "--max-body", "2048"], stderr, stop.Token);
        var line = await WaitForAsync(stderr, "listening on");
        var match = Regex.Match(line, @"^botbottle-egress-scanner: listening on 127\.0\.0\.1:(\d+), (\d+) patterns, bodies up to 2048 bytes$", RegexOptions.Multiline);
        Assert.True(match.Success, line);
        Assert.Equal(CredentialPatterns.All.Count, int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));

        var port = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        await using (var client = await IcapTestClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)))
        {
            Assert.Equal(204, (await client.ExchangeAsync(IcapRequests.Reqmod(IcapRequests.CleanGet()))).Status);
            await stop.CancelAsync();
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.True(await client.ServerClosesAsync());
        }

        Assert.Contains("botbottle-egress-scanner: stopped", stderr.Text, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<string> WritePatternsAsync()
    {
        var path = Path.Combine(_directory, "credential-patterns");
        await File.WriteAllTextAsync(path, CredentialPatterns.ToScannerFile());
        return path;
    }

    private static async Task<string> WaitForAsync(CapturingLog log, string text)
    {
        for (var i = 0; i < 200; i++)
        {
            if (log.Text.Contains(text, StringComparison.Ordinal))
            {
                return log.Text;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"no '{text}' in: {log.Text}");
    }
}
