import Hummingbird
import Synchronization

/// Writes a `request` record to ``GroundTruth`` for every HTTP request the router answers (WebSocket upgrades are
/// recorded as `socket`, handshake refusals as `fault`), and a `streamEnd` record when a CDN response body ends.
///
/// The record holds the method, the path without its query, the few identifying query parameters that are never
/// secret (``loggedQueryParameters``), the status, and the fault that refused the request, if one did.
struct GroundTruthMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    /// Query parameters copied into the record; everything else (signatures, tokens, cookies' stand-ins) is left out.
    static var loggedQueryParameters: [String] { ["uniqueId", "unique_id", "room_id", "roomId"] }

    /// What the handler of the request being answered did, as seen by ``GroundTruth``.
    final class RequestNotes: Sendable {
        private struct Notes {
            var fault: String?
            var stream: Int?
        }
        private let notes = Mutex(Notes())

        /// The fault that refused this request (the first one recorded).
        var fault: String? { self.notes.withLock { $0.fault } }
        /// The stream this request is serving, if it is a CDN stream.
        var stream: Int? { self.notes.withLock { $0.stream } }

        func noteFault(_ name: String) { self.notes.withLock { if $0.fault == nil { $0.fault = name } } }
        func noteStream(_ index: Int) { self.notes.withLock { $0.stream = index } }
    }

    /// The notes of the request whose handler is running, for ``GroundTruth`` to attach faults and streams to.
    @TaskLocal static var currentRequest: RequestNotes?

    let groundTruth: GroundTruth

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let notes = RequestNotes()
        do {
            var response = try await Self.$currentRequest.withValue(notes) { try await next(request, context) }
            self.record(request, status: response.status.code, notes: notes)
            if let stream = notes.stream {
                let body = response.body
                let truth = self.groundTruth
                response.body = ResponseBody(contentLength: body.contentLength) { writer in
                    defer { truth.recordStreamEnded(index: stream) }
                    try await body.write(writer)
                }
            }
            return response
        } catch {
            self.record(request, status: (error as? any HTTPResponseError)?.status.code ?? 500, notes: notes)
            throw error
        }
    }

    private func record(_ request: Request, status: Int, notes: RequestNotes) {
        var fields: [String: Any] = ["method": request.method.rawValue, "path": request.uri.path, "status": status]
        let parameters = request.uri.queryParameters
        var query: [String: String] = [:]
        for name in Self.loggedQueryParameters {
            if let value = parameters.get(name) { query[name] = value }
        }
        if !query.isEmpty { fields["query"] = query }
        if let fault = notes.fault { fields["fault"] = fault }
        self.groundTruth.log("request", fields)
    }
}
