using System.Buffers;

namespace BotBottle.Egress.Scanner;

/// <summary>
/// A growable byte buffer whose storage is rented from <see cref="ArrayPool{T}.Shared"/>. Every request
/// body, decoded body and response is assembled in one of these so the scanner, which sits in the path
/// of every outbound request, does not allocate a fresh array per request.
/// </summary>
internal sealed class PooledByteBuffer : IBufferWriter<byte>, IDisposable
{
    /// <summary>Above this size <see cref="Clear"/> gives the array back, so one large body does not pin memory on an idle connection.</summary>
    private const int KeepAtMost = 64 * 1024;

    private readonly int _initialCapacity;
    private byte[] _array;
    private int _length;

    public PooledByteBuffer(int initialCapacity = 4096)
    {
        _initialCapacity = Math.Max(initialCapacity, 16);
        _array = ArrayPool<byte>.Shared.Rent(_initialCapacity);
    }

    public int Length => _length;

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, _length);

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, _length);

    /// <summary>The written bytes as an array segment, for APIs (decompression streams) that take an array.</summary>
    public ArraySegment<byte> Segment => new(_array, 0, _length);

    /// <summary>Forgets the contents; a large array goes back to the pool.</summary>
    public void Clear()
    {
        _length = 0;
        if (_array.Length > KeepAtMost)
        {
            var large = _array;
            _array = ArrayPool<byte>.Shared.Rent(_initialCapacity);
            ArrayPool<byte>.Shared.Return(large);
        }
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _array.Length - _length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _array.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _array.AsSpan(_length);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_array.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Appends text one byte per character (Latin-1): used only for protocol text this program composes.</summary>
    public void WriteLatin1(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Reserve(text.Length);
        var written = System.Text.Encoding.Latin1.GetBytes(text, _array.AsSpan(_length));
        _length += written;
    }

    public void Dispose()
    {
        var array = _array;
        _array = [];
        _length = 0;
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private void Reserve(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_array.Length - _length >= needed)
        {
            return;
        }

        var wanted = (long)_length + needed;
        var grown = Math.Max(wanted, Math.Min((long)_array.Length * 2, Array.MaxLength));
        if (wanted > Array.MaxLength)
        {
            throw new InvalidOperationException("The buffer cannot grow that large.");
        }

        var bigger = ArrayPool<byte>.Shared.Rent((int)grown);
        _array.AsSpan(0, _length).CopyTo(bigger);
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = bigger;
    }
}
