using System.Globalization;

namespace BotBottle.Web.Components.Widgets;

/// <summary>How runs read on the pages: "42 s", "3 min 5 s", "1 h 2 min".</summary>
public static class RunFormat
{
    public static string Duration(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 60 } => $"{Math.Max(0, duration.TotalSeconds).ToString("0", CultureInfo.InvariantCulture)} s",
        { TotalMinutes: < 60 } => $"{(int)duration.TotalMinutes} min {duration.Seconds} s",
        _ => $"{(int)duration.TotalHours} h {duration.Minutes} min",
    };
}
