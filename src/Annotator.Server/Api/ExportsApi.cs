using Annotator.Catalog;
using Annotator.Exports;
using Annotator.Server.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Annotator.Server.Api;

/// <summary>
/// Dataset exports: <c>POST /api/exports</c> starts one (202 and a Location to follow), <c>GET /api/exports/{id}</c> is
/// its progress, <c>GET /api/exports/{id}/download</c> the finished ZIP, streamed from the object store, and
/// <c>DELETE /api/exports/{id}</c> removes a finished one before its retention (<see cref="ExportOptions"/>) does.
/// </summary>
public static class ExportsApi
{
    public const int MinEdge = 64;
    public const int MaxEdge = 8192;

    public static IEndpointRouteBuilder MapExportsApi(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/api/exports").WithTags("Export");
        exports.MapPost("/", StartAsync).RequireAuthorization(Rights.Write)
            .WithSummary("Export a caption dataset: imagefolder, jsonl, csv, coco, llava or webdataset, as a ZIP")
            .WithDescription("Body { \"format\": \"imagefolder\"|\"jsonl\"|\"csv\"|\"coco\"|\"llava\"|\"webdataset\", \"q\"?, \"review\"? (default accepted,edited), "
                + "\"split\"? { \"train\", \"validation\", \"test\" } (fractions adding up to 1; by id hash), \"maxEdge\"? (resized JPEG copies), "
                + "\"metadata\"? (default true), \"shardSamples\"? (webdataset: samples per tar shard, default 1000) }. "
                + "202 with the job and a Location to follow its progress.")
            .Produces<ExportDto>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();
        exports.MapGet("/{id}", GetAsync).RequireAuthorization(Rights.Read).WithSummary("An export's progress; downloadUrl once it is done");
        exports.MapGet("/{id}/download", DownloadAsync).RequireAuthorization(Rights.Read).WithSummary("The finished export's ZIP archive");
        exports.MapDelete("/{id}", DeleteAsync).RequireAuthorization(Rights.Write)
            .WithSummary("Deletes a finished (or failed) export and its archive; 409 while it runs");
        return app;
    }

    public sealed record SplitBody(double? Train, double? Validation, double? Test);

    public sealed record ExportBody(string? Format, string? Q, string? Review, SplitBody? Split, int? MaxEdge, bool? Metadata, int? ShardSamples);

    private static async Task<Results<Accepted<ExportDto>, ProblemHttpResult>> StartAsync(
        ExportBody body, ExportRunner runner, IOptions<ExportOptions> options, HttpContext context, CancellationToken cancellationToken)
    {
        if (Check(body, out var request) is { } problem) return Problems.BadRequest(problem);
        if (await runner.StartAsync(request!, context.User.UserId(), context.User.UserName(), cancellationToken) is not { } job)
        {
            context.Response.Headers.RetryAfter = "30";
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "Exports busy",
                $"this server is making {ExportRunner.MaxRunning} exports already; try again when one is done");
        }
        await context.RecordAsync("images.export", job.Id, $"{job.Format}, {job.Total} image(s){(job.Search is { } q ? $" matching '{q}'" : "")}, {job.Review}");
        return TypedResults.Accepted($"/api/exports/{job.Id}", ExportDto.From(job, options.Value.Retention));
    }

    /// <summary>The body as an export request, or the one line saying what is wrong with it.</summary>
    internal static string? Check(ExportBody body, out ExportRequest? request)
    {
        request = null;
        if (!ExportFormats.TryParse(body.Format, out var format))
            return body.Format is null ? $"format is required: one of {ExportFormats.Names}" : $"format '{body.Format}' is not one of {ExportFormats.Names}";
        if (body.Q is { Length: > 200 }) return "q is longer than 200 characters";
        var review = ReviewFilter.Kept;
        if (!string.IsNullOrWhiteSpace(body.Review))
        {
            if (!ReviewFilter.TryParse(body.Review, out var parsed, out var bad)) return $"review '{bad}' is not one of {ReviewFilter.Names}";
            review = parsed!;
        }
        var split = ExportSplit.AllTrain;
        if (body.Split is { } fractions)
        {
            split = new ExportSplit(fractions.Train ?? 0, fractions.Validation ?? 0, fractions.Test ?? 0);
            if (split.Problem() is { } problem) return problem;
        }
        if (body.MaxEdge is < MinEdge or > MaxEdge) return $"maxEdge must be between {MinEdge} and {MaxEdge} pixels";
        if (body.ShardSamples is < 1 or > ExportRequest.MaxShardSamples) return $"shardSamples must be between 1 and {ExportRequest.MaxShardSamples}";
        request = new ExportRequest(format, string.IsNullOrWhiteSpace(body.Q) ? null : body.Q.Trim(), review, split, body.MaxEdge, body.Metadata ?? true,
            body.ShardSamples ?? ExportRequest.DefaultShardSamples);
        return null;
    }

    private static async Task<Results<Ok<ExportDto>, ProblemHttpResult>> GetAsync(
        string id, ExportJobs jobs, IOptions<ExportOptions> options, TimeProvider time, CancellationToken cancellationToken) =>
        await jobs.FindAsync(id, cancellationToken) is { } job
            ? TypedResults.Ok(ExportDto.From(job.AsOf(time.GetUtcNow()), options.Value.Retention))
            : NotFound(id);

    private static async Task<IResult> DownloadAsync(
        string id, ExportJobs jobs, Annotator.Storage.IObjectStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await jobs.FindAsync(id, cancellationToken) is not { } job) return NotFound(id);
        job = job.AsOf(time.GetUtcNow());
        if (job.State != ExportState.Done)
            return Problems.Of(StatusCodes.Status409Conflict, "Export not ready",
                job.State == ExportState.Failed ? $"export '{id}' failed: {job.Error}" : $"export '{id}' is not done yet: {job.Done} of {job.Total} images written");
        var stored = await store.OpenReadAsync(ExportJobs.ArchiveKey(id), cancellationToken);
        if (stored is null) return Problems.NotFound($"the archive of export '{id}' is missing from storage");
        return TypedResults.Stream(stored.Content, "application/zip", fileDownloadName: $"annotator-{job.Format}-{id[..8]}.zip",
            lastModified: stored.LastModified, enableRangeProcessing: true);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ExportJobs jobs, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        if (await jobs.FindAsync(id, cancellationToken) is not { } job) return NotFound(id);
        // The node making it would go on writing objects the delete just removed: it is deleted once it has ended.
        if (job.AsOf(time.GetUtcNow()).State == ExportState.Running)
            return Problems.Of(StatusCodes.Status409Conflict, "Export running",
                $"export '{id}' is still running ({job.Done} of {job.Total} images written); delete it once it is done");
        await jobs.DeleteAsync(id, cancellationToken);
        await context.RecordAsync("images.export.delete", id, $"{job.Format}, {job.State.ToString().ToLowerInvariant()}, {job.Done} image(s)");
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound($"there is no export with id '{(id.Length <= 64 ? id : id[..64] + "…")}'");
}

/// <summary>An export as the API shows it: its choices, its progress, where to download it once done, and until when.</summary>
public sealed record ExportDto(
    string Id, string Format, string? Q, string Review, int? MaxEdge, bool Metadata, IReadOnlyList<string> Splits,
    UploaderDto? By, DateTimeOffset CreatedAt, string State, long Total, long Done, long Skipped, double Progress,
    long? SizeBytes, string? Error, DateTimeOffset? FinishedAt, DateTimeOffset? ExpiresAt, string Url, string? DownloadUrl)
{
    public static ExportDto From(ExportJob job, TimeSpan retention) => new(
        job.Id, job.Format, job.Search, job.Review, job.MaxEdge, job.Metadata, job.Splits,
        job.ById is { } by ? new UploaderDto(by, job.ByName ?? "") : null, job.CreatedAt, job.State.ToString().ToLowerInvariant(),
        job.Total, job.Done, job.Skipped,
        job.State == ExportState.Done ? 1 : job.Total == 0 ? 0 : Math.Min(0.99, (double)(job.Done + job.Skipped) / job.Total),
        job.SizeBytes, job.Error, job.FinishedAt, job.ExpiresAt(retention), $"/api/exports/{job.Id}",
        job.State == ExportState.Done ? $"/api/exports/{job.Id}/download" : null);
}
