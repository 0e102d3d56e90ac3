using System.Text;
using BotBottle.Core.Backends;
using Docker.DotNet;

namespace BotBottle.Worker.Bottles.Docker;

/// <summary>
/// Demultiplexes an exec's stdout and stderr, reporting each complete line as it arrives (so the
/// dashboard sees output live) while keeping the whole of both for the caller.
/// </summary>
internal static class ExecOutputReader
{
    public static async Task<(string Stdout, string Stderr)> ReadAsync(MultiplexedStream stream, IProgress<OutputLine>? progress, CancellationToken cancellationToken)
    {
        var stdout = new LineSplitter(OutputChannel.StandardOutput, progress);
        var stderr = new LineSplitter(OutputChannel.StandardError, progress);
        var buffer = new byte[81920];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                break;
            }

            (read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout).Append(buffer.AsSpan(0, read.Count));
        }

        return (stdout.Finish(), stderr.Finish());
    }

    private sealed class LineSplitter(OutputChannel kind, IProgress<OutputLine>? progress)
    {
        private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
        private readonly StringBuilder _all = new();
        private readonly StringBuilder _line = new();

        public void Append(ReadOnlySpan<byte> bytes)
        {
            var chars = new char[_decoder.GetCharCount(bytes, flush: false)];
            _decoder.GetChars(bytes, chars, flush: false);
            foreach (var c in chars)
            {
                _all.Append(c);
                if (c == '\n')
                {
                    progress?.Report(new OutputLine(kind, _line.ToString().TrimEnd('\r')));
                    _line.Clear();
                }
                else
                {
                    _line.Append(c);
                }
            }
        }

        public string Finish()
        {
            if (_line.Length > 0)
            {
                progress?.Report(new OutputLine(kind, _line.ToString()));
            }

            return _all.ToString();
        }
    }
}
