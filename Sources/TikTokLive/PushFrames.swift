import Foundation
import SwiftProtobuf

/// Builds `WebcastPushFrame`s (protocol.md §3.4, §4.1): the client's enter-room, heartbeat and ack frames, and the
/// server's `msg` frames, which simulators and tests need to speak the same protocol.
public enum PushFrames {
    /// A client frame of `type` (`im_enter_room`, `hb`, `ack`) carrying `payload`.
    public static func clientFrame(type: String, payload: [UInt8], logID: Int64 = 0) -> [UInt8] {
        var frame = Webcast_PushFrame()
        frame.logID = logID
        frame.payloadEncoding = "pb"
        frame.payloadType = type
        frame.payload = Data(payload)
        return (try? frame.serializedBytes()) ?? []
    }

    /// A server `msg` frame carrying `result`, gzipped (with header `compress_type=gzip`) when asked.
    public static func messageFrame(_ result: Webcast_ProtoMessageFetchResult, gzip: Bool, logID: Int64) -> [UInt8] {
        let body = (try? result.serializedBytes() as [UInt8]) ?? []
        var frame = Webcast_PushFrame()
        frame.seqID = logID
        frame.logID = logID
        frame.method = 8
        frame.payloadEncoding = "pb"
        frame.payloadType = "msg"
        var header = Webcast_PushHeader()
        header.key = "compress_type"
        header.value = gzip ? "gzip" : "none"
        frame.headers = [header]
        frame.payload = gzip ? Gzip.compress(Data(body)) : Data(body)
        return (try? frame.serializedBytes()) ?? []
    }
}
