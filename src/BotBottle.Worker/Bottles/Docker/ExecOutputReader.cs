using System.Globalization;
using System.Text;
using BotBottle.Core.Backends;
using Docker.DotNet;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// Demultiplexes an exec's stdout and stderr, reporting each complete line as it arrives (so the
/// dashboard sees output live), all of it within bounds: a reported line is cut at
/// <see cref="OutputLimitOptions.MaxLineChars"/>, only the newest <see cref="OutputLimitOptions.KeptBytes"/>
/// of each stream is kept for the caller (in whole lines: the harness's result comes last), and
/// the raw bytes go to <paramref name="log"/> up to <see cref="OutputLimitOptions.MaxLogBytes"/>.
/// </summary>
internal static class ExecOutputReader
{
    public static async Task<(string Stdout, string Stderr)> ReadAsync(
        MultiplexedStream stream,
        IProgress<OutputLine>? progress,
        OutputLimitOptions limits,
        Stream? log,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(limits);
        var stdout = new LineSplitter(OutputChannel.StandardOutput, progress, limits);
        var stderr = new LineSplitter(OutputChannel.StandardError, progress, limits);
        var sink = new BoundedLog(log, limits.MaxLogBytes);
        var buffer = new byte[81920];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                break;
            }

            var bytes = buffer.AsMemory(0, read.Count);
            await sink.WriteAsync(bytes, cancellationToken);
            (read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout).Append(bytes.Span);
        }

        await sink.FlushAsync(cancellationToken);
        return (stdout.Finish(), stderr.Finish());
    }

    /// <summary>Writes until the limit, then one marker line and nothing more.</summary>
    private sealed class BoundedLog(Stream? log, long limit)
    {
        private long _written;
        private bool _cut;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
        {
            if (log is null || _cut)
            {
                return;
            }

            var room = limit - _written;
            if (bytes.Length > room)
            {
                await log.WriteAsync(bytes[..(int)Math.Max(0, room)], cancellationToken);
                await log.WriteAsync(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $"\n[BotBottle: the log stops here: this run's output passed {limit} bytes (BotBottle:Output:MaxLogBytes)]\n")), cancellationToken);
                _cut = true;
                return;
            }

            await log.WriteAsync(bytes, cancellationToken);
            _written += bytes.Length;
        }

        public async ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            if (log is not null)
            {
                await log.FlushAsync(cancellationToken);
            }
        }
    }

    private sealed class LineSplitter(OutputChannel kind, IProgress<OutputLine>? progress, OutputLimitOptions limits)
    {
        private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
        private readonly StringBuilder _kept = new();
        private readonly StringBuilder _line = new();
        private char[] _chars = new char[4096];
        private long _lineLength;

        public void Append(ReadOnlySpan<byte> bytes)
        {
            var count = _decoder.GetCharCount(bytes, flush: false);
            if (_chars.Length < count)
            {
                _chars = new char[count];
            }

            _decoder.GetChars(bytes, _chars, flush: false);
            var chars = _chars.AsSpan(0, count);
            _kept.Append(chars);
            foreach (var c in chars)
            {
                if (c == '\n')
                {
                    ReportLine();
                }
                else
                {
                    if (_line.Length < limits.MaxLineChars)
                    {
                        _line.Append(c);
                    }

                    _lineLength++;
                }
            }

            KeepNewest();
        }

        public string Finish()
        {
            if (_lineLength > 0)
            {
                ReportLine();
            }

            return _kept.ToString();
        }

        private void ReportLine()
        {
            var text = _line.ToString().TrimEnd('\r');
            if (_lineLength > _line.Length)
            {
                text += string.Create(CultureInfo.InvariantCulture, $" … [line cut at {limits.MaxLineChars} of {_lineLength} characters]");
            }

            progress?.Report(new OutputLine(kind, text));
            _line.Clear();
            _lineLength = 0;
        }

        /// <summary>Past twice the limit, drops the oldest whole lines down to the limit (amortised: no copy per chunk).</summary>
        private void KeepNewest()
        {
            var limit = Math.Max(1, limits.KeptBytes);
            if (_kept.Length <= 2L * limit)
            {
                return;
            }

            var cut = _kept.Length - limit;
            // A line break soon after the cut keeps whole lines; a line longer than the window is cut.
            var window = _kept.ToString(cut, Math.Min(_kept.Length - cut, 1 << 20));
            var newline = window.IndexOf('\n', StringComparison.Ordinal);
            _kept.Remove(0, newline >= 0 ? cut + newline + 1 : cut);
        }
    }
}
