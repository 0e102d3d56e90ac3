using BotBottle.Core.Harnesses;

namespace BotBottle.Worker.Runs;

/// <summary>The bottle a job used and, when a harness ran, what it returned.</summary>
public sealed record RunOutcome(string Slug, HarnessResult? Harness);
