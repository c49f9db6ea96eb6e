// Every request counted, timed and logged with its id; every error answered as problem+json.

import Foundation
import HTTPTypes
import Hummingbird
import SlipstreamStorage

private func seconds(_ duration: Duration) -> String {
    let (whole, fraction) = duration.components
    return String(format: "%.6f", Double(whole) + Double(fraction) / 1e18)
}

/// Counts and times every request (until its head is ready), and logs it with its request id (also sent as `x-request-id`).
struct RequestObserver<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics

    /// A 404 for a path we serve with other methods is a 405 that says which.
    static func problem(_ error: HTTPError, _ request: Request) -> Problem {
        let path = request.uri.path
        if error.status == .notFound,
            let route = SlipstreamServer.methods.first(where: {
                $0.path.hasSuffix("/") ? path.hasPrefix($0.path) && path.count > $0.path.count : path == $0.path
            })
        {
            var problem = Problem(
                .methodNotAllowed,
                "\(request.method) is not served at \(path): use \(route.methods.map(\.rawValue).joined(separator: ", "))"
            )
            problem.headers[.allow] = route.methods.map(\.rawValue).joined(separator: ", ")
            return problem
        }
        return Problem(error.status, error.body ?? error.status.reasonPhrase.lowercased())
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let clock = ContinuousClock()
        let start = clock.now
        let route = { context.endpointPath ?? "unmatched" }
        do {
            var response = try await next(request, context)
            response.headers[HTTPField.Name("x-request-id")!] = context.id
            // Until the head is ready: a streamed body's own time is not counted.
            let status = response.status.code
            let elapsed = clock.now - start
            metrics.request(route: route(), method: request.method.rawValue, status: status, duration: elapsed)
            context.logger.info(
                "request",
                metadata: [
                    "method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(status)",
                    "seconds": "\(seconds(elapsed))",
                ])
            return response
        } catch {
            // Hummingbird's own (no route, wrong method) become problem+json like ours.
            var answered: any Error = (error as? HTTPError).map { Self.problem($0, request) } ?? error
            if let failure = error as? StorageError, let problem = Problem.storage(failure) { answered = problem }
            if !(answered is any HTTPResponseError) {
                answered = Problem(.internalServerError, "the server failed (request id \(context.id))")
            }
            let status = (answered as? any HTTPResponseError)?.status.code ?? 500
            let elapsed = clock.now - start
            metrics.request(route: route(), method: request.method.rawValue, status: status, duration: elapsed)
            context.logger.log(
                level: status >= 500 ? .error : .info, "request",
                metadata: [
                    "method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(status)",
                    "seconds": "\(seconds(elapsed))",
                    "error": "\(error)",
                ])
            throw answered
        }
    }
}
