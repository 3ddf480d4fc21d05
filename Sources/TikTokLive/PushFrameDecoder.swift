import Foundation
import SwiftProtobuf

/// Decodes one WebSocket message from TikTok's event socket: the bytes of a `WebcastPushFrame` (protocol.md §3.4,
/// §4.1–4.3).
///
/// Pure and stateless: it owns no socket and no memory of earlier frames. In particular it does **not**
/// de-duplicate; the caller keeps a de-duplicator and filters ``Frame/events`` by ``LiveEvent/msgID``. A `msg`
/// frame's payload is gunzipped when its header says `compress_type=gzip` or it starts with the gzip magic
/// `1F 8B 08`, then read as a `ProtoMessageFetchResult`. An event whose payload cannot be decoded is skipped and
/// listed in ``Frame/undecodable``; it never fails the frame.
///
/// ```swift
/// let frame = try PushFrameDecoder().decode(bytes)
/// for event in frame.events where deduplicator.isNew(event.msgID) { emit(event) }
/// if let ack = frame.ack { try await socket.send(ack) }
/// ```
public struct PushFrameDecoder: Sendable {
    /// Whether ``LiveEvent/experimentalMethods`` are decoded into typed events (else they arrive as
    /// ``LiveEvent/Kind/unknown(payload:)``); see ``TikTokLiveConfiguration/experimentalEvents``.
    public var experimentalEvents: Bool

    /// Creates a decoder.
    public init(experimentalEvents: Bool = true) {
        self.experimentalEvents = experimentalEvents
    }

    /// One decoded push frame.
    public struct Frame: Sendable {
        /// The frame's `payload_type`: `msg`, `hb`, `ack`, `im_enter_room`, `im_enter_room_resp`, or anything else.
        public var payloadType: String
        /// The frame's `log_id`, echoed in its ack.
        public var logID: Int64
        /// The decoded payload of a `msg` frame; `nil` for every other type.
        public var fetchResult: Webcast_ProtoMessageFetchResult?
        /// The events of a `msg` frame in the order TikTok sent them, duplicates included.
        public var events: [LiveEvent]
        /// The messages of a `msg` frame that could not be decoded into events, in order.
        public var undecodable: [UndecodableMessage]
        /// The ack frame to send back when the fetch result has `need_ack`, else `nil`.
        public var ack: [UInt8]?
    }

    /// A message inside a fetch result whose payload is not what its method promises.
    public struct UndecodableMessage: Sendable, CustomStringConvertible {
        /// The message's method, e.g. `WebcastChatMessage`.
        public var method: String
        /// The message's `msg_id` (0 if it had none).
        public var msgID: Int64
        /// The raw payload, for a bug report.
        public var payload: Data
        /// What the protobuf decoder objected to.
        public var reason: String

        /// `WebcastChatMessage 123 (40 bytes): <reason>`.
        public var description: String { "\(self.method) \(self.msgID) (\(self.payload.count) bytes): \(self.reason)" }
    }

    /// Why a whole frame could not be decoded.
    public enum DecodingError: Error, CustomStringConvertible, Sendable {
        /// The message is not a `WebcastPushFrame`.
        case notAPushFrame(reason: String)
        /// A `msg` frame's payload is marked or looks gzipped but does not inflate.
        case badGzip(reason: String)
        /// A `msg` frame's payload (after gunzip) is not a `ProtoMessageFetchResult`.
        case notAFetchResult(reason: String)

        /// The problem in one sentence.
        public var description: String {
            switch self {
            case .notAPushFrame(let reason): "WebSocket message is not a WebcastPushFrame: \(reason)"
            case .badGzip(let reason): "msg frame payload does not gunzip: \(reason)"
            case .notAFetchResult(let reason): "msg frame payload is not a ProtoMessageFetchResult: \(reason)"
            }
        }
    }

    /// Decodes one WebSocket message.
    /// - Throws: ``DecodingError`` when the message is not a push frame, or is a `msg` frame whose payload cannot be
    ///   gunzipped or read as a fetch result. The caller should log it and carry on with the next message.
    public func decode(_ bytes: Data) throws(DecodingError) -> Frame {
        let frame: Webcast_PushFrame
        do {
            frame = try Webcast_PushFrame(serializedBytes: bytes)
        } catch {
            throw .notAPushFrame(reason: "\(error)")
        }
        var decoded = Frame(payloadType: frame.payloadType, logID: frame.logID, fetchResult: nil, events: [], undecodable: [], ack: nil)
        guard frame.payloadType == "msg" else { return decoded }

        let marked = frame.headers.contains { $0.key == "compress_type" && $0.value == "gzip" }
        var payload = frame.payload
        if marked || Gzip.isCompressed(payload) {
            do throws(GzipError) {
                payload = try Gzip.decompress(payload)
            } catch {
                throw .badGzip(reason: error.reason)
            }
        }
        let result: Webcast_ProtoMessageFetchResult
        do {
            result = try Webcast_ProtoMessageFetchResult(serializedBytes: payload)
        } catch {
            throw .notAFetchResult(reason: "\(error)")
        }
        (decoded.events, decoded.undecodable) = self.events(in: result)
        decoded.fetchResult = result
        if result.needAck {
            decoded.ack = Self.ack(for: result, logID: frame.logID)
        }
        return decoded
    }

    /// Decodes every message of a fetch result (a `msg` frame's payload, or the sign server's `/webcast/fetch`
    /// body) in order, setting aside the ones that do not decode. Does not de-duplicate.
    public func events(in result: Webcast_ProtoMessageFetchResult) -> (events: [LiveEvent], undecodable: [UndecodableMessage]) {
        var events: [LiveEvent] = []
        var undecodable: [UndecodableMessage] = []
        events.reserveCapacity(result.messages.count)
        for message in result.messages {
            do {
                events.append(try LiveEvent(message: message, experimental: self.experimentalEvents))
            } catch {
                undecodable.append(
                    UndecodableMessage(method: message.method, msgID: message.msgID, payload: message.payload, reason: "\(error)")
                )
            }
        }
        return (events, undecodable)
    }

    /// The ack for a fetch result received in a frame with `logID`: `payload_type` `ack`, the frame's `log_id`, and
    /// the result's `internal_ext` as UTF-8 (`-` when empty, as PyTikTokLive sends).
    public static func ack(for result: Webcast_ProtoMessageFetchResult, logID: Int64) -> [UInt8] {
        let payload = Array((result.internalExt.isEmpty ? "-" : result.internalExt).utf8)
        return PushFrames.clientFrame(type: "ack", payload: payload, logID: logID)
    }
}
