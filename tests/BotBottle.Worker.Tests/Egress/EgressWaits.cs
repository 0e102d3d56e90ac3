namespace BotBottle.Worker.Tests.Egress;

/// <summary>Waits for an egress outcome that arrives asynchronously (a denial event follows the proxy's log).</summary>
internal static class EgressWaits
{
    public static Task<T> EventuallyAsync<T>(Func<T?> probe) where T : class =>
        EventuallyAsync(() => Task.FromResult(probe()));

    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the expected egress outcome did not arrive within 20 s");
            }

            await Task.Delay(100);
        }
    }
}
