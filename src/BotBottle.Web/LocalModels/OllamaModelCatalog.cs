using System.Globalization;
using System.Runtime.CompilerServices;
using BotBottle.Core.LocalModels;
using Microsoft.Extensions.Options;
using OllamaSharp;
using OllamaSharp.Models;

namespace BotBottle.Web.LocalModels;

/// <summary>An installed model as Ollama lists it.</summary>
public sealed record InstalledModel(string Name, long SizeBytes, string? ParameterSize, string? Quantization, DateTime ModifiedAt);

/// <summary>One step of a model download: what Ollama is doing and, while it downloads a layer, how far it got.</summary>
public sealed record PullProgress(string Status, long Completed, long Total)
{
    public double? Fraction => Total > 0 ? Math.Clamp((double)Completed / Total, 0, 1) : null;
}

/// <summary>Ollama did not do what was asked; the message is Ollama's own, for the operator to read.</summary>
public sealed class OllamaRequestException(string message, Exception? inner = null) : Exception(message, inner)
{
    public OllamaRequestException() : this("Ollama request failed")
    {
    }

    public OllamaRequestException(string message) : this(message, null)
    {
    }
}

/// <summary>
/// Reads and changes what the local Ollama server holds through its HTTP API (via OllamaSharp):
/// /api/version, /api/tags, /api/ps, /api/pull. A listing waits at most
/// <see cref="OllamaOptions.RequestTimeout"/>: an Ollama that accepts connections but does not
/// answer (a container still downloading its image behind Aspire's proxy) must not hang a page.
/// </summary>
public sealed class OllamaModelCatalog(IOllamaApiClient ollama, IOptions<OllamaOptions> options)
{
    /// <summary>The server's version, or null when no Ollama answers in time (the stack works without one).</summary>
    public async Task<string?> VersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Call(token => ollama.GetVersionAsync(token), cancellationToken);
        }
        catch (OllamaRequestException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether an Ollama answers, and if not, which way it does not: nothing listening (not started,
    /// or its container still downloading its image), or listening without answering in time.
    /// </summary>
    public async Task<OllamaProbe> ProbeAsync(CancellationToken cancellationToken)
    {
        var where = options.Value.Url?.ToString() ?? "its configured address";
        try
        {
            return new OllamaProbe(await Call(token => ollama.GetVersionAsync(token), cancellationToken), null);
        }
        catch (OllamaRequestException ex) when (ex.InnerException is OperationCanceledException)
        {
            return new OllamaProbe(null, $"Ollama at {where} accepts connections but did not answer {Patience}: it is probably still starting (BotBottle:Ollama:RequestTimeout sets the wait).");
        }
        catch (OllamaRequestException ex)
        {
            return new OllamaProbe(null, $"No Ollama answers at {where} ({ex.InnerException?.Message ?? ex.Message}): it is not started, or its container is still downloading its image.");
        }
    }

    /// <summary>How long a listing waits, as a sentence's end: "within 10 s".</summary>
    public string Patience => string.Create(CultureInfo.InvariantCulture, $"within {options.Value.RequestTimeout.TotalSeconds:0.#} s");

    public async Task<IReadOnlyList<InstalledModel>> InstalledAsync(CancellationToken cancellationToken)
    {
        var models = await Call(token => ollama.ListLocalModelsAsync(token), cancellationToken);
        return [.. models.Select(m => new InstalledModel(m.Name, m.Size, m.Details?.ParameterSize, m.Details?.QuantizationLevel, m.ModifiedAt)).OrderBy(m => m.Name, StringComparer.Ordinal)];
    }

    /// <summary>The models in memory now, with how much of each sits in GPU memory.</summary>
    public async Task<IReadOnlyList<LoadedModel>> LoadedAsync(CancellationToken cancellationToken)
    {
        var running = await Call(token => ollama.ListRunningModelsAsync(token), cancellationToken);
        return [.. running.Select(m => new LoadedModel(m.Name, m.Size, m.SizeVram, m.ContextLength > 0 ? m.ContextLength : null))];
    }

    /// <summary>Downloads <paramref name="model"/>, reporting each step; cancelling the token stops the download.</summary>
    public async IAsyncEnumerable<PullProgress> PullAsync(string model, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        await using var steps = ollama.PullModelAsync(new PullModelRequest { Model = model }, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            PullModelResponse? step;
            try
            {
                if (!await steps.MoveNextAsync())
                {
                    // OllamaSharp ends the stream quietly when cancelled; a cancelled pull must not look finished.
                    cancellationToken.ThrowIfCancellationRequested();
                    yield break;
                }

                step = steps.Current;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not OllamaRequestException)
            {
                throw new OllamaRequestException($"pulling {model} failed: {ex.Message}", ex);
            }

            if (step is not null)
            {
                yield return new PullProgress(step.Status ?? "", step.Completed, step.Total);
            }
        }
    }

    private async Task<T> Call<T>(Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        try
        {
            return await request(timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new OllamaRequestException($"Ollama does not answer: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OllamaRequestException($"Ollama did not answer {Patience} (BotBottle:Ollama:RequestTimeout)", ex);
        }
    }
}

/// <summary>An Ollama's version when it answered, else why not (in words for the page).</summary>
public sealed record OllamaProbe(string? Version, string? Problem);
