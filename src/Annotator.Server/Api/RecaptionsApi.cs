using Annotator.Captioning;
using Annotator.Catalog;
using Annotator.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Annotator.Server.Access;

namespace Annotator.Server.Api;

/// <summary>
/// Re-captioning in bulk and the captioners to choose from:
/// <c>POST /api/recaptions</c> (a search result, a state, or every image) starts a job,
/// <c>GET /api/recaptions/{jobId}</c> follows it, <c>GET /api/captioners</c> lists the providers.
/// </summary>
public static class RecaptionsApi
{
    public static IEndpointRouteBuilder MapRecaptionsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/recaptions", StartAsync).RequireAuthorization(Rights.Write)
            .WithTags("Captions")
            .WithSummary("Re-caption every image matching q and state (neither: every image), optionally with another provider or model")
            .WithDescription("Body { \"q\"?, \"state\"?, \"provider\"?, \"model\"? }. 202 with the job and a Location to follow its progress. "
                + "Each image keeps its current caption until the new one succeeds.")
            .Produces<RecaptionJobDto>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .DisableAntiforgery();
        app.MapGet("/api/recaptions/{jobId}", GetAsync).RequireAuthorization(Rights.Read)
            .WithTags("Captions")
            .WithSummary("A re-caption job's progress: total, done, failed, pending (waiting or working), deleted");
        app.MapGet("/api/captioners", (Captioners captioners) => TypedResults.Ok(CaptionersDto.From(captioners))).RequireAuthorization(Rights.Read)
            .WithTags("Captions")
            .WithSummary("The caption providers, their default models, whether this server can use them, and their circuit state");
        return app;
    }

    private static async Task<Results<Accepted<RecaptionJobDto>, ProblemHttpResult>> StartAsync(
        RecaptionsBody? body, IImageCatalog catalog, Captioners captioners, HttpContext context, CancellationToken cancellationToken)
    {
        WorkState? state = null;
        if (!string.IsNullOrEmpty(body?.State))
        {
            if (!WorkStates.TryParse(body.State, out var parsed)) return Problems.BadRequest($"state '{body.State}' is not one of pending, processing, done, failed");
            state = parsed;
        }
        if (body?.Q is { Length: > 200 }) return Problems.BadRequest("q is longer than 200 characters");
        if (Choose(body?.Provider, body?.Model, captioners, out var choice) is { } problem) return problem;
        var job = await catalog.RecaptionAllAsync(string.IsNullOrWhiteSpace(body?.Q) ? null : body.Q, state, choice, ObjectKeys.Raw, cancellationToken);
        await context.RecordAsync("images.recaption", job.Id, $"{job.Total} image(s){(body?.Q is { Length: > 0 } q ? $" matching '{q}'" : "")}{(state is { } s ? $" {s.Name()}" : "")}");
        return TypedResults.Accepted($"/api/recaptions/{job.Id}", RecaptionJobDto.From(job));
    }

    private static async Task<Results<Ok<RecaptionJobDto>, ProblemHttpResult>> GetAsync(string jobId, IImageCatalog catalog, CancellationToken cancellationToken) =>
        jobId.Length <= 64 && await catalog.GetRecaptionJobAsync(jobId, cancellationToken) is { } job
            ? TypedResults.Ok(RecaptionJobDto.From(job))
            : Problems.NotFound($"there is no re-caption job with id '{(jobId.Length <= 64 ? jobId : jobId[..64] + "…")}'");

    /// <summary>Checks a requested provider/model; returns a 400 problem, or null with the choice (null: the default captioner).</summary>
    internal static ProblemHttpResult? Choose(string? provider, string? model, Captioners captioners, out CaptionChoice? choice)
    {
        choice = null;
        provider = string.IsNullOrWhiteSpace(provider) ? null : provider.Trim().ToLowerInvariant();
        model = string.IsNullOrWhiteSpace(model) ? null : model.Trim();
        if (provider is null && model is null) return null;
        var wanted = new CaptionChoice(provider, model);
        if (captioners.Problem(wanted) is { } problem)
            return Problems.Of(StatusCodes.Status400BadRequest, "Captioner not available", problem,
                new Dictionary<string, object?> { ["provider"] = provider, ["model"] = model });
        choice = wanted;
        return null;
    }

    public sealed record RecaptionsBody(string? Q, string? State, string? Provider, string? Model);
}

/// <summary>A re-caption job as the API shows it.</summary>
public sealed record RecaptionJobDto(
    string Id, DateTimeOffset CreatedAt, string? Provider, string? Model, string? Q, string? State,
    int Total, int Done, int Failed, int Pending, int Deleted, bool Finished, string Url)
{
    public static RecaptionJobDto From(RecaptionJob job) => new(
        job.Id, job.CreatedAt, job.Choice?.Provider, job.Choice?.Model, job.Search, job.State?.Name(),
        job.Total, job.Done, job.Failed, job.Pending, job.Deleted, job.Finished, $"/api/recaptions/{job.Id}");
}

/// <summary><c>GET /api/captioners</c>: the default chain and every provider.</summary>
public sealed record CaptionersDto(string DefaultProvider, IReadOnlyList<string> Fallback, IReadOnlyList<CaptionerInfo> Providers)
{
    public static CaptionersDto From(Captioners captioners) => new(captioners.DefaultProvider, captioners.Fallback, captioners.Describe());
}
