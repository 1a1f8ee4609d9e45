using LocalAI.Council;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.AspNetCore;

/// <summary><c>POST /api/council</c> (the whole session as the council's JSON) and <c>POST /api/council/stream</c> (its events as server-sent events, named by their <c>type</c>).</summary>
internal static class CouncilEndpoints
{
    public static Task RunAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<RequestRunner>().RunAsync(context, static async (c, ct) =>
        {
            var request = await RequestRunner.ReadJsonAsync(c, ApiJsonContext.Default.CouncilSessionRequest, ct).ConfigureAwait(false);
            using var lease = CouncilSessionFactory.Create(request, c.RequestServices);
            var session = await lease.Council.RunAsync(request.Question!, ct).ConfigureAwait(false);
            await RequestRunner.WriteJsonAsync(c, session, CouncilJsonContext.Default.CouncilSession).ConfigureAwait(false);
        });

    public static Task StreamAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<RequestRunner>().RunAsync(context, static async (c, ct) =>
        {
            var request = await RequestRunner.ReadJsonAsync(c, ApiJsonContext.Default.CouncilSessionRequest, ct).ConfigureAwait(false);
            using var lease = CouncilSessionFactory.Create(request, c.RequestServices);
            var sse = SseWriter.Start(c);
            await CouncilEventPump.RunAsync(
                lease.Council,
                request.Question!,
                (e, t) => sse.WriteEventAsync(CouncilEventPump.TypeOf(e), e, CouncilJsonContext.Default.CouncilEvent, t),
                (error, t) => sse.WriteEventAsync(error.Type, error, ApiJsonContext.Default.CouncilErrorEvent, t),
                c.RequestServices.GetRequiredService<RequestRunner>().Logger,
                ct).ConfigureAwait(false);
        });
}
