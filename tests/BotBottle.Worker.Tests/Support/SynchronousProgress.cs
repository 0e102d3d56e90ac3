namespace BotBottle.Worker.Tests.Support;

/// <summary>Unlike <see cref="Progress{T}"/>, reports on the caller's thread, so nothing arrives late.</summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
