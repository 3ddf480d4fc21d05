import Foundation

/// Turns a WebSocket trace back into the events the live client would have emitted: what
/// `tiktok-recorder replay` prints.
///
/// Decodes every received `msg` frame with ``PushFrameDecoder`` and de-duplicates events by message id, as the
/// live client does. Frames or messages that do not decode are reported and skipped, never fatal; a trace that is
/// not well formed stops the replay with a ``WebSocketTraceError`` naming the offset, after everything before it
/// has been delivered.
public struct WebSocketTraceReplayer: Sendable {
    /// Whether sent frames are delivered as ``Output/sentFrame(payloadType:logID:timeMicroseconds:length:offset:)``.
    public var includeSent: Bool

    /// Creates a replayer.
    public init(includeSent: Bool = false) {
        self.includeSent = includeSent
    }

    /// One thing found while replaying, in trace order.
    public enum Output: Sendable {
        /// A new event from a received `msg` frame, with the time the frame was received (Unix ms).
        case event(LiveEvent, receivedAt: Int64)
        /// A frame we sent (enter-room, heartbeat, ack), when ``includeSent`` is on.
        case sentFrame(payloadType: String, logID: Int64, timeMicroseconds: Int64, length: Int, offset: Int)
        /// A received or sent message that is not a push frame, or a `msg` frame whose payload does not decode.
        case undecodableFrame(offset: Int, reason: String)
        /// A message inside a received `msg` frame whose payload does not decode.
        case undecodableMessage(PushFrameDecoder.UndecodableMessage, frameOffset: Int)

        /// The stdout line: events in the `.chat.jsonl` schema (`videoTime` is `null`, as there is no video;
        /// `receivedAt` is the frame's receive time), sent frames as
        /// `{"type":"sentFrame","payloadType","logId","sentAt","bytes","offset"}`. `nil` for problems.
        public var jsonLine: String? {
            switch self {
            case .event(let event, let receivedAt):
                return JSONValue.object(event.jsonFields + [("videoTime", .null), ("receivedAt", .int(receivedAt))]).serialized()
            case .sentFrame(let payloadType, let logID, let time, let length, let offset):
                return JSONValue.object([
                    ("type", .string("sentFrame")), ("payloadType", .string(payloadType)), ("logId", .string(String(logID))),
                    ("sentAt", .int(time / 1000)), ("bytes", .int(Int64(length))), ("offset", .int(Int64(offset))),
                ]).serialized()
            case .undecodableFrame, .undecodableMessage:
                return nil
            }
        }

        /// The warning for a skipped frame or message, naming its offset in the trace; `nil` otherwise.
        public var warning: String? {
            switch self {
            case .event, .sentFrame:
                return nil
            case .undecodableFrame(let offset, let reason):
                return "frame at byte offset \(offset) skipped: \(reason)"
            case .undecodableMessage(let message, let offset):
                return "message \(message.method) \(message.msgID) in the frame at byte offset \(offset) skipped: \(message.reason)"
            }
        }
    }

    /// What a replay saw.
    public struct Summary: Sendable, Equatable {
        /// Records in the trace.
        public var records = 0
        /// Received frames by `payload_type` (`msg`, `hb`, …).
        public var receivedFrames: [String: Int] = [:]
        /// Sent frames by `payload_type`.
        public var sentFrames: [String: Int] = [:]
        /// Events delivered.
        public var events = 0
        /// Events dropped because their message id had been seen before.
        public var duplicates = 0
        /// Frames that did not decode.
        public var undecodableFrames = 0
        /// Messages inside frames that did not decode.
        public var undecodableMessages = 0

        /// Creates an empty summary.
        public init() {}

        /// One line: `N records; received msg×3 hb×1; sent hb×2; 12 events, 1 duplicate, 0 undecodable`.
        public var description: String {
            func list(_ counts: [String: Int]) -> String {
                counts.isEmpty ? "nothing" : counts.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
            }
            return "\(self.records) records; received \(list(self.receivedFrames)); sent \(list(self.sentFrames)); "
                + "\(self.events) events, \(self.duplicates) duplicates dropped, "
                + "\(self.undecodableFrames) undecodable frames, \(self.undecodableMessages) undecodable messages"
        }
    }

    /// Replays the rest of `reader`, passing each output to `output` as it is found.
    /// - Returns: what the replay saw.
    /// - Throws: ``WebSocketTraceError`` when the trace is not well formed; outputs before the bad offset have
    ///   been delivered.
    @discardableResult
    public func replay(_ reader: inout WebSocketTraceReader, output: (Output) -> Void) throws(WebSocketTraceError) -> Summary {
        let decoder = PushFrameDecoder()
        let deduplicator = MessageDeduplicator()
        var summary = Summary()
        while let record = try reader.next() {
            summary.records += 1
            let frame: PushFrameDecoder.Frame
            do throws(PushFrameDecoder.DecodingError) {
                frame = try decoder.decode(record.bytes)
            } catch {
                summary.undecodableFrames += 1
                output(.undecodableFrame(offset: record.offset, reason: error.description))
                continue
            }
            switch record.direction {
            case .sent:
                summary.sentFrames[frame.payloadType, default: 0] += 1
                if self.includeSent {
                    output(
                        .sentFrame(
                            payloadType: frame.payloadType, logID: frame.logID, timeMicroseconds: record.timeMicroseconds,
                            length: record.bytes.count, offset: record.offset
                        )
                    )
                }
            case .received:
                summary.receivedFrames[frame.payloadType, default: 0] += 1
                for message in frame.undecodable {
                    summary.undecodableMessages += 1
                    output(.undecodableMessage(message, frameOffset: record.offset))
                }
                for event in frame.events {
                    guard deduplicator.isNew(event.msgID) else {
                        summary.duplicates += 1
                        continue
                    }
                    summary.events += 1
                    output(.event(event, receivedAt: record.timeMilliseconds))
                }
            }
        }
        return summary
    }
}
