using BotBottle.Core.Harnesses;

namespace BotBottle.Core.PullRequests;

/// <summary>
/// The record that a delivery's work is done, written in the same atomic step as the registry
/// change it made: a job that is reclaimed after it (its Worker died before acknowledging) does
/// not run the agent again, and still has the result to comment.
/// </summary>
public sealed record PrDone(string JobId, string Slug, HarnessResult? Harness, long Fence);
