using BotBottle.Core.Manifest;
using BotBottle.Core.Runs;
using BotBottle.Queue.Runs;

namespace BotBottle.Worker.Runs;

/// <summary>
/// An agent's budget (<see cref="AgentBudget"/>) against what the run history says it spent: a run
/// that would start past the day's budget, or past its pull request's, is refused before a container
/// starts, with the reason. A single run's cost is only known afterwards; one over
/// <see cref="AgentBudget.PerRunUsd"/> is reported as such.
/// </summary>
public sealed class BudgetGuard(RunHistory history, TimeProvider clock)
{
    /// <summary>Why <paramref name="agent"/> may not run now (for <paramref name="prKey"/>'s pull request, when given); null when it may.</summary>
    public async Task<string?> RefusalAsync(AgentDefinition agent, string? prKey)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var budget = agent.Budget;
        if (budget.PerDayUsd is { } perDay)
        {
            var now = clock.GetUtcNow();
            var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
            var spent = (await history.BetweenAsync(today, now)).Where(r => r.Agent == agent.Key).Sum(r => r.CostUsd ?? 0);
            if (spent >= perDay)
            {
                return $"agent {agent.Key} has spent {UsageReport.Cost(spent)} today (UTC) of its {UsageReport.Cost(perDay)} daily budget (budget.perDayUsd in the manifest); it runs again tomorrow, or raise the budget";
            }
        }

        if (prKey is not null && budget.PerPrUsd is { } perPr)
        {
            var spent = (await history.OfPullRequestAsync(prKey)).Sum(r => r.CostUsd ?? 0);
            if (spent >= perPr)
            {
                return $"{prKey} has used {UsageReport.Cost(spent)} of agent {agent.Key}'s {UsageReport.Cost(perPr)} budget per pull request (budget.perPrUsd in the manifest); raise it for the agent to go on";
            }
        }

        return null;
    }

    /// <summary>"over budget: this run cost $0.80, more than agent x's $0.50 per run (budget.perRunUsd)", or null.</summary>
    public static string? Overshoot(AgentDefinition agent, decimal? cost)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return cost is { } spent && agent.Budget.PerRunUsd is { } perRun && spent > perRun
            ? $"over budget: this run cost {UsageReport.Cost(spent)}, more than agent {agent.Key}'s {UsageReport.Cost(perRun)} per run (budget.perRunUsd)"
            : null;
    }
}
