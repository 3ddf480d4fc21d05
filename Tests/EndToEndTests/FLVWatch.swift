import Foundation
import LiveMedia
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Watches one HTTP-FLV response for a while, noting when each tag arrived.
final class FLVWatch: NSObject, URLSessionDataDelegate, Sendable {
    /// One tag and when it arrived, in seconds after the request.
    struct Arrival: Sendable {
        var tag: FLVTag
        var arrival: Double
        /// A video frame (not a sequence header) or an audio frame.
        var isMedia: Bool { self.tag.body.count > 1 && self.tag.body[1] == 1 }
        var isKeyframe: Bool { self.tag.kind == .video && self.isMedia && self.tag.body[0] >> 4 == 1 }
    }

    /// What a watch saw.
    struct Result: Sendable {
        var status: Int?
        var tags: [Arrival] = []
        /// The server ended the response (or the connection) before the watch was over.
        var ended = false
        var media: [Arrival] { self.tags.filter(\.isMedia) }
        /// The longest time without a tag, from the first tag on.
        var longestGap: Double { zip(self.tags, self.tags.dropFirst()).map { $1.arrival - $0.arrival }.max() ?? 0 }
        /// Milliseconds between the lowest and highest media timestamps received.
        var mediaSpan: Int64 {
            let stamps = self.media.map { Int64($0.tag.timestamp) }
            return (stamps.max() ?? 0) - (stamps.min() ?? 0)
        }
    }

    private struct State {
        var parser = FLVTagParser()
        var result = Result()
    }

    private let state = Mutex(State())
    private let start = Date()

    /// Requests `url` and records for `seconds` (or until the server ends the response).
    static func watch(_ url: String, seconds: Double) async throws -> Result {
        let watch = FLVWatch()
        let session = URLSession(configuration: .ephemeral, delegate: watch, delegateQueue: nil)
        let task = session.dataTask(with: try #require(URL(string: url)))
        task.resume()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, !watch.state.withLock({ $0.result.ended }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let result = watch.state.withLock { $0.result }
        task.cancel()
        session.invalidateAndCancel()
        return result
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        self.state.withLock { $0.result.status = (response as? HTTPURLResponse)?.statusCode }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let arrival = Date().timeIntervalSince(self.start)
        self.state.withLock { state in
            let tags = (try? data.withUnsafeBytes { try state.parser.push($0) }) ?? []
            state.result.tags += tags.map { Arrival(tag: $0, arrival: arrival) }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        self.state.withLock { $0.result.ended = true }
    }
}
