using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Annotator.Server.Api;

/// <summary>The OpenAPI document declares how clients authenticate: a personal API token as <c>Authorization: Bearer …</c>.</summary>
public sealed class BearerSchemeTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A personal API token (made on the My tokens page or with POST /api/tokens), sent as Authorization: Bearer ann_…",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
        return Task.CompletedTask;
    }
}
