using Annotator.Catalog;
using Annotator.Events;
using Annotator.Images;
using Annotator.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Annotator.Server.Access;

namespace Annotator.Server.Api;

/// <summary>
/// What the functions gave up on, on any transport: <c>GET /api/dead-letters</c> lists them (newest first, or one
/// image's), <c>POST /api/dead-letters/{id}/replay</c> delivers one again to the function that failed it.
/// </summary>
public static class DeadLettersApi
{
    private const int MaxLimit = 200;

    public static IEndpointRouteBuilder MapDeadLettersApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/dead-letters", ListAsync).RequireAuthorization(Rights.Read)
            .WithTags("Events")
            .WithSummary("Events a function failed on every attempt (newest first); ?image= for one image's")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        app.MapPost("/api/dead-letters/{id:long}/replay", ReplayAsync).RequireAuthorization(Rights.Write)
            .WithTags("Events")
            .WithSummary("Deliver a dead letter again to the function that failed it; it leaves the list")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .DisableAntiforgery();
        return app;
    }

    private static async Task<Results<Ok<DeadLetterDto[]>, ProblemHttpResult>> ListAsync(
        IDeadLetters deadLetters, IImageCatalog catalog, string? image, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit) return Problems.BadRequest($"limit must be between 1 and {MaxLimit}");
        string? key = null;
        if (image is not null)
        {
            if (!ImageId.TryParse(image, out var id)) return Problems.BadRequest($"image '{(image.Length <= 64 ? image : image[..64] + "…")}' is not an image id");
            // An image's events name its original, whose key carries the format.
            if (await catalog.GetAsync(id, cancellationToken) is not { } known) return TypedResults.Ok(Array.Empty<DeadLetterDto>());
            key = ObjectKeys.Raw(known.Id, known.Format);
        }
        var letters = await deadLetters.ListAsync(key, limit ?? 50, cancellationToken);
        return TypedResults.Ok(letters.Select(DeadLetterDto.From).ToArray());
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> ReplayAsync(
        long id, IDeadLetters deadLetters, IEventBus bus, CancellationToken cancellationToken)
    {
        if (await deadLetters.TakeAsync(id, cancellationToken) is not { } letter) return Problems.NotFound($"there is no dead letter {id}");
        try
        {
            await bus.RedeliverAsync(letter.Subscriber, letter.Event, cancellationToken);
        }
        catch
        {
            // Not delivered: keep it, so a replay that failed loses nothing.
            await deadLetters.AddAsync(letter.Subscriber, letter.Event, letter.Attempts, letter.Reason, CancellationToken.None);
            throw;
        }
        return TypedResults.Accepted((string?)null);
    }
}

/// <summary>A dead letter as the API shows it.</summary>
public sealed record DeadLetterDto(long Id, string Function, string Key, string? ImageId, int Attempts, string Reason, DateTimeOffset At, string ReplayUrl)
{
    public static DeadLetterDto From(DeadLetter letter) => new(
        letter.Id, letter.Subscriber, letter.Event.Key,
        ObjectKeys.TryParseOwner(letter.Event.Key, out var owner) ? owner.ToString() : null,
        letter.Attempts, letter.Reason, letter.At, $"/api/dead-letters/{letter.Id}/replay");
}
