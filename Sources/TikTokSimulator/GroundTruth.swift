import Foundation
import Synchronization

/// Everything the simulator did, on its own clock, for tests and benchmarks to compare against.
///
/// Kept in memory, and, after ``writeLog(toFile:)``, also appended to a JSONL file as it happens, one record per line:
/// `t` (simulator wall clock, Unix ms), `kind`, and the kind's fields:
/// - `event`: `msgId` (string), `type`, `createTime` (Unix ms), `mediaTime` (seconds of video on air), `roomId` (string,
///   when known), `comment` (chat only);
/// - `fault`: `name` (as in ``faults``), and `mediaTimestamp` (ms in the stream) for a fault that happens at a point in
///   the video, such as `cdn.resolutionChange`;
/// - `streamStart` / `streamEnd`: `stream` (index in ``servedStreams``), `roomId`, `firstTimestamp`, and at the end
///   `lastTimestamp` (media ms; absent when no media was sent);
/// - `request`: `method`, `path` (no query), `query` (only the non-secret identifying parameters), `status`, and
///   `fault` for a request refused by an injected fault;
/// - `socket`: an event WebSocket accepted; `ack`, `heartbeat`: one line per frame received from a client.
public final class GroundTruth: Sendable {
    /// An event pushed to the room's WebSocket clients.
    public struct PushedEvent: Sendable, Equatable {
        /// The message id.
        public var msgID: Int64
        /// The schema `type` (`chat`, `control`, …).
        public var type: String
        /// The event's `create_time`, Unix ms.
        public var createTime: Int64
        /// Media time (seconds) of the video frame on air when the event was said.
        public var mediaTime: Double
        /// The comment, for chat events.
        public var comment: String?
        /// The room the event was pushed into, when the pusher said.
        public var roomID: Int64? = nil
    }

    /// One HTTP-FLV response served by the CDN.
    public struct ServedStream: Sendable, Equatable {
        /// Room id.
        public var roomID: Int64
        /// Timestamp (ms) of the first media tag sent.
        public var firstTimestamp: Int64?
        /// Timestamp (ms) of the last media tag sent.
        public var lastTimestamp: Int64?
    }

    /// One request to TikTok's web side (an endpoint of ``WebFaults/Endpoint/web``: not the CDN, the sign server or
    /// the event WebSocket), as it arrived, whatever it was answered.
    public struct WebRequest: Sendable, Equatable {
        /// Which endpoint was asked.
        public var endpoint: WebFaults.Endpoint
        /// When the request arrived (simulator wall clock).
        public var at: Date
        /// The transport-level fault that refused it (`waf`, `captcha`, `403`, `429`, `302`), or `nil` when answered.
        public var refusal: String?

        /// Creates a record.
        public init(endpoint: WebFaults.Endpoint, at: Date, refusal: String? = nil) {
            self.endpoint = endpoint
            self.at = at
            self.refusal = refusal
        }
    }

    private struct State {
        var events: [PushedEvent] = []
        var webRequests: [WebRequest] = []
        var streams: [ServedStream] = []
        var acks = 0
        var heartbeats = 0
        var faults: [String] = []
        var socketsOpened = 0
    }
    private let state = Mutex(State())
    private let file = Mutex<GroundTruthLog?>(nil)

    /// Creates an empty log.
    public init() {}

    /// From now on, also appends every record to the JSONL file at `path` (created when missing, appended to
    /// otherwise). Call before ``TikTokSimulator/run(port:onListening:)`` to have everything.
    /// - Throws: ``GroundTruthLogError`` when the file cannot be created or opened.
    public func writeLog(toFile path: String) throws {
        let log = try GroundTruthLog(path: path)
        let previous = self.file.withLock { file in
            let previous = file
            file = log
            return previous
        }
        previous?.close()
    }

    /// Appends a record to the log file, if there is one.
    func log(_ kind: String, _ fields: [String: Any]) {
        guard let file = self.file.withLock({ $0 }) else { return }
        file.append(kind: kind, fields)
    }

    /// Events pushed so far, in push order.
    public var pushedEvents: [PushedEvent] { self.state.withLock { $0.events } }
    /// Streams served so far.
    public var servedStreams: [ServedStream] { self.state.withLock { $0.streams } }
    /// Acks received from clients.
    public var acksReceived: Int { self.state.withLock { $0.acks } }
    /// Heartbeats received from clients.
    public var heartbeatsReceived: Int { self.state.withLock { $0.heartbeats } }
    /// Every fault injected or refusal answered, in order (e.g. `signer.serverError`, `handshake.415.DEVICE_BLOCKED`).
    public var faults: [String] { self.state.withLock { $0.faults } }
    /// Event WebSockets accepted so far.
    public var socketsOpened: Int { self.state.withLock { $0.socketsOpened } }
    /// Every web request so far, in arrival order: what a client's request budget is checked against.
    public var webRequests: [WebRequest] { self.state.withLock { $0.webRequests } }

    /// The most web requests that arrived within any `seconds` (a window from one request's arrival to just before
    /// `seconds` later), e.g. `maxWebRequests(inAnyWindowOf: 60)` for a per-minute budget; 0 when there were none
    /// or `seconds` is not positive.
    public func maxWebRequests(inAnyWindowOf seconds: Double) -> Int {
        guard seconds > 0 else { return 0 }
        let times = self.webRequests.map(\.at).sorted()
        var most = 0
        var first = 0
        for last in times.indices {
            while times[last].timeIntervalSince(times[first]) >= seconds { first += 1 }
            most = max(most, last - first + 1)
        }
        return most
    }

    /// Records a web request to `endpoint` arriving `at` (now unless said), refused by `refusal` if set.
    func recordWebRequest(_ endpoint: WebFaults.Endpoint, at date: Date = Date(), refusal: String? = nil) {
        self.state.withLock { $0.webRequests.append(WebRequest(endpoint: endpoint, at: date, refusal: refusal)) }
    }

    func recordPushed(_ event: PushedEvent) {
        self.state.withLock { $0.events.append(event) }
        var fields: [String: Any] = [
            "msgId": String(event.msgID), "type": event.type, "createTime": event.createTime, "mediaTime": event.mediaTime,
        ]
        if let roomID = event.roomID { fields["roomId"] = String(roomID) }
        if let comment = event.comment { fields["comment"] = comment }
        self.log("event", fields)
    }

    func recordAck() {
        self.state.withLock { $0.acks += 1 }
        self.log("ack", [:])
    }

    func recordHeartbeat() {
        self.state.withLock { $0.heartbeats += 1 }
        self.log("heartbeat", [:])
    }

    /// Records an injected fault; when it happens while answering an HTTP request, the request's record names it.
    /// `mediaTimestamp`: where in the stream it happened (ms), for faults in the video itself.
    func recordFault(_ name: String, mediaTimestamp: Int64? = nil) {
        self.state.withLock { $0.faults.append(name) }
        GroundTruthMiddleware.currentRequest?.noteFault(name)
        var fields: [String: Any] = ["name": name]
        if let mediaTimestamp { fields["mediaTimestamp"] = mediaTimestamp }
        self.log("fault", fields)
    }

    func recordSocketOpened() {
        self.state.withLock { $0.socketsOpened += 1 }
        self.log("socket", [:])
    }

    /// Registers a new stream response and returns its index for ``recordServed(index:timestamp:)``. Its
    /// `streamEnd` record is written when the response body ends (see ``GroundTruthMiddleware``).
    func beginStream(roomID: Int64) -> Int {
        let index = self.state.withLock { state in
            state.streams.append(ServedStream(roomID: roomID))
            return state.streams.count - 1
        }
        GroundTruthMiddleware.currentRequest?.noteStream(index)
        return index
    }

    func recordServed(index: Int, timestamp: Int64) {
        let started = self.state.withLock { state -> ServedStream? in
            let isFirst = state.streams[index].firstTimestamp == nil
            if isFirst { state.streams[index].firstTimestamp = timestamp }
            state.streams[index].lastTimestamp = timestamp
            return isFirst ? state.streams[index] : nil
        }
        if let started {
            self.log("streamStart", ["stream": index, "roomId": String(started.roomID), "firstTimestamp": timestamp])
        }
    }

    /// Writes the `streamEnd` record of stream `index`, once its response body has ended.
    func recordStreamEnded(index: Int) {
        guard let stream = self.state.withLock({ $0.streams.indices.contains(index) ? $0.streams[index] : nil }) else { return }
        var fields: [String: Any] = ["stream": index, "roomId": String(stream.roomID)]
        if let first = stream.firstTimestamp { fields["firstTimestamp"] = first }
        if let last = stream.lastTimestamp { fields["lastTimestamp"] = last }
        self.log("streamEnd", fields)
    }
}
