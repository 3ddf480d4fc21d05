// Decode-throughput benchmark for TikTokLive; bench/decode-throughput.sh runs it next to TikTokLive 7.0.1 (Python).
//
//   tiktoklive-bench generate --fixtures <shared/tiktok-fixtures> --output <frames.bin> [--frames N] [--seed S]
//       Builds realistic gzipped `msg` push frames from the real captured payloads and writes them to a file:
//       each frame as a 4-byte big-endian length, then the frame's bytes.
//   tiktoklive-bench decode <frames.bin> [--min-seconds S]
//       Decodes every frame, again and again for at least S seconds of CPU time, through the client's decode path
//       (PushFrameDecoder: push frame → gzip → ProtoMessageFetchResult → LiveEvent(message:); then GiftStreakTracker),
//       and prints `events <n> cpu_seconds <s> wall_seconds <w> events_per_second <r>`.

import Foundation
import SwiftProtobuf
import TikTokLive

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure the user can act on, printed without a stack trace.
struct BenchError: Error, CustomStringConvertible {
    let description: String
}

/// CPU seconds this process has used (all threads; the benchmark runs on one).
func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// SplitMix64: a small seeded generator, so the same seed gives the same frames.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var value = self.state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// Raw protobuf field encoding, for appending fields to real payloads (TikTok's field order is kept, the new
/// field simply comes last, as TikTok's own out-of-order fields do).
enum WireBytes {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
        return bytes
    }

    static func field(_ number: Int, varint value: Int64) -> [UInt8] {
        varint(UInt64(number << 3)) + varint(UInt64(bitPattern: value))
    }

    static func field(_ number: Int, bytes: [UInt8]) -> [UInt8] {
        varint(UInt64(number << 3 | 2)) + varint(UInt64(bytes.count)) + bytes
    }
}

/// The real payloads the frames are made of, and the messages built around their users.
struct PayloadKit {
    let chat: [UInt8]
    let gift: [UInt8]
    let members: [[UInt8]]
    let share: [UInt8]
    /// Complete users (every field TikTok sent) taken from the real payloads.
    let users: [Webcast_User]

    static let comments = [
        "hello from Berlin 👋", "first time here!", "مرحبا بالجميع", "what game is this?", "lol 😂😂😂",
        "can you say hi to my sister", "❤️❤️❤️", "where are you streaming from?", "gg", "¿qué tal?",
        "this song is so good", "bonjour tout le monde", "how long have you been live?", "🔥🔥",
    ]

    init(fixtures: URL) throws {
        func load(_ name: String) throws -> [UInt8] {
            let url = fixtures.appendingPathComponent("jwdeveloper-TikTokLiveJava/\(name)")
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw BenchError(description: "fixture \(url.path) is missing: pass --fixtures <path to shared/tiktok-fixtures>")
            }
            return [UInt8](data)
        }
        self.chat = try load("MessageWebcastChatMessage.pb")
        self.gift = try load("MessageWebcastGiftMessage.pb")
        self.members = [try load("WebcastMemberMessage.pb"), try load("LikeMessage.pb")]
        self.share = try load("MessageWebcastSocialMessage.pb")
        // Decoding keeps unknown fields, so re-encoding a user gives back everything TikTok sent about them.
        self.users = [
            try Webcast_ChatMessage(serializedBytes: self.chat).user,
            try Webcast_GiftMessage(serializedBytes: self.gift).user,
            try Webcast_MemberMessage(serializedBytes: self.members[0]).user,
            try Webcast_MemberMessage(serializedBytes: self.members[1]).user,
            try Webcast_SocialMessage(serializedBytes: self.share).user,
        ]
    }

    func common(method: String, msgID: Int64, time: Int64, key: String = "", pattern: String = "") -> Webcast_CommonMessageData {
        var common = Webcast_CommonMessageData()
        common.method = method
        common.msgID = msgID
        common.roomID = 7_270_190_000_000_000_001
        common.createTime = time
        if !key.isEmpty {
            common.displayText.key = key
            common.displayText.defaultPattern = pattern
        }
        return common
    }

    func like(msgID: Int64, time: Int64, count: Int64, total: Int64, user: Int) throws -> [UInt8] {
        var like = Webcast_LikeMessage()
        like.common = self.common(
            method: "WebcastLikeMessage", msgID: msgID, time: time, key: "pm_mt_msg_viewer", pattern: "{0:user} liked the LIVE")
        like.count = count
        like.total = total
        like.user = self.users[user % self.users.count]
        return try like.serializedBytes()
    }

    /// A viewer-count message with the top three viewers, each a complete user (as TikTok sends it).
    func viewers(msgID: Int64, time: Int64, current: Int64) throws -> [UInt8] {
        var seq = Webcast_RoomUserSeqMessage()
        seq.common = self.common(method: "WebcastRoomUserSeqMessage", msgID: msgID, time: time)
        seq.total = current
        seq.totalUser = current * 7
        var bytes: [UInt8] = try seq.serializedBytes()
        for rank in 0..<3 {
            let user: [UInt8] = try self.users[rank].serializedBytes()
            let contributor =
                WireBytes.field(1, varint: Int64(900 - rank * 200)) + WireBytes.field(2, bytes: user)
                + WireBytes.field(3, varint: Int64(rank + 1))
            bytes += WireBytes.field(2, bytes: contributor)
        }
        return bytes
    }
}

/// Builds `count` frames with a realistic mix: likes 30 %, chat 25 %, joins 20 %, gifts 10 % (Rose streaks with
/// their end frames), viewer counts 10 %, shares 5 %; 4 to 16 messages per frame.
func generateFrames(kit: PayloadKit, count: Int, seed: UInt64) throws -> [[UInt8]] {
    var random = SeededGenerator(state: seed)
    var msgID: Int64 = 7_300_000_000_000_000_000
    var time: Int64 = 1_692_725_000_000
    var totalLikes: Int64 = 1_000
    var viewers: Int64 = 800
    var streaks: [Int64] = [0, 0, 0]
    var frames: [[UInt8]] = []
    for frameIndex in 0..<count {
        var result = Webcast_ProtoMessageFetchResult()
        for _ in 0..<Int.random(in: 4...16, using: &random) {
            msgID += 1
            time += Int64.random(in: 5...120, using: &random)
            let roll = Int.random(in: 0..<100, using: &random)
            var message = Webcast_BaseProtoMessage()
            message.msgID = msgID
            let payload: [UInt8]
            switch roll {
            case 0..<30:
                let likes = Int64.random(in: 1...15, using: &random)
                totalLikes += likes
                message.method = "WebcastLikeMessage"
                payload = try kit.like(
                    msgID: msgID, time: time, count: likes, total: totalLikes, user: Int.random(in: 0..<5, using: &random))
            case 30..<55:
                message.method = "WebcastChatMessage"
                let comment = PayloadKit.comments.randomElement(using: &random)!
                payload = kit.chat + WireBytes.field(3, bytes: Array(comment.utf8))
            case 55..<75:
                message.method = "WebcastMemberMessage"
                payload = kit.members[Int.random(in: 0..<2, using: &random)]
            case 75..<85:
                message.method = "WebcastGiftMessage"
                let streak = Int.random(in: 0..<streaks.count, using: &random)
                streaks[streak] += 1
                let ends = Int.random(in: 0..<4, using: &random) == 0
                payload = kit.gift + WireBytes.field(5, varint: streaks[streak]) + WireBytes.field(9, varint: ends ? 1 : 0)
                if ends { streaks[streak] = 0 }
            case 85..<95:
                viewers += Int64.random(in: -20...25, using: &random)
                message.method = "WebcastRoomUserSeqMessage"
                payload = try kit.viewers(msgID: msgID, time: time, current: max(viewers, 1))
            default:
                message.method = "WebcastSocialMessage"
                payload = kit.share
            }
            message.payload = Data(payload)
            result.messages.append(message)
        }
        result.cursor = "t-\(time)_r-1_d-1_u-1_h-\(frameIndex)"
        result.fetchInterval = 1_000
        result.now = time
        result.internalExt =
            "internal_src:dim|wss_push_room_id:7270190000000000001|wss_push_did:7270190000000000002|first_req_ms:\(time)"
            + "|fetch_time:\(time)|seq:\(frameIndex)|wss_info:0-\(time)-0-0|wrds_kvs:WebcastRoomStatsMessage-\(time)"
        result.needAck = true
        frames.append(PushFrames.messageFrame(result, gzip: true, logID: Int64(frameIndex + 1)))
    }
    return frames
}

func writeFrames(_ frames: [[UInt8]], to path: String) throws {
    var data = Data()
    for frame in frames {
        let length = UInt32(frame.count).bigEndian
        withUnsafeBytes(of: length) { data.append(contentsOf: $0) }
        data.append(contentsOf: frame)
    }
    guard FileManager.default.createFile(atPath: path, contents: data) else {
        throw BenchError(description: "cannot write \(path): check that its folder exists and is writable")
    }
}

func readFrames(from path: String) throws -> [Data] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw BenchError(description: "cannot read \(path): run `tiktoklive-bench generate` first")
    }
    let bytes = [UInt8](data)
    var frames: [Data] = []
    var offset = 0
    while offset + 4 <= bytes.count {
        let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        offset += 4
        guard offset + length <= bytes.count else { throw BenchError(description: "\(path) is truncated at byte \(offset)") }
        frames.append(Data(bytes[offset..<offset + length]))
        offset += length
    }
    return frames
}

/// Decodes one frame the way the client's event feed does (``PushFrameDecoder``, then ``GiftStreakTracker``), and
/// returns how many events it gave.
func decode(frame: Data, decoder: PushFrameDecoder, tracker: inout GiftStreakTracker, clock: ContinuousClock) throws -> Int {
    let decoded = try decoder.decode(frame)
    guard decoded.undecodable.isEmpty else {
        throw BenchError(description: "\(decoded.undecodable.count) messages did not decode, e.g. \(decoded.undecodable[0])")
    }
    let now = clock.now
    for event in decoded.events {
        // Every message is one event; the tracker's synthetic closing events are not counted.
        _ = tracker.process(event, at: now)
    }
    return decoded.events.count
}

func runDecode(path: String, minSeconds: Double) throws {
    let frames = try readFrames(from: path)
    guard !frames.isEmpty else { throw BenchError(description: "\(path) holds no frames") }
    let decoder = PushFrameDecoder()
    var tracker = GiftStreakTracker()
    let clock = ContinuousClock()
    var events = 0
    let start = cpuSeconds()
    let wallStart = clock.now
    repeat {
        for frame in frames { events += try decode(frame: frame, decoder: decoder, tracker: &tracker, clock: clock) }
    } while cpuSeconds() - start < minSeconds
    let seconds = cpuSeconds() - start
    let wall = clock.now - wallStart
    let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
    print(
        "events \(events) cpu_seconds \(String(format: "%.3f", seconds)) wall_seconds \(String(format: "%.3f", wallSeconds))"
            + " events_per_second \(Int(Double(events) / seconds))"
    )
}

func option(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

let usage = """
    usage: tiktoklive-bench generate --fixtures <shared/tiktok-fixtures> --output <frames.bin> [--frames N] [--seed S]
           tiktoklive-bench decode <frames.bin> [--min-seconds S]
    """

do {
    let arguments = Array(CommandLine.arguments.dropFirst())
    switch arguments.first {
    case "generate":
        guard let fixtures = option("--fixtures", in: arguments), let output = option("--output", in: arguments) else {
            throw BenchError(description: usage)
        }
        let count = Int(option("--frames", in: arguments) ?? "1000") ?? 1000
        let seed = UInt64(option("--seed", in: arguments) ?? "1") ?? 1
        let frames = try generateFrames(kit: PayloadKit(fixtures: URL(fileURLWithPath: fixtures)), count: count, seed: seed)
        try writeFrames(frames, to: output)
        let messages = try frames.reduce(0) { total, frame in
            let push = try Webcast_PushFrame(serializedBytes: frame)
            return total + (try Webcast_ProtoMessageFetchResult(serializedBytes: Gzip.decompress(push.payload))).messages.count
        }
        print("frames \(frames.count) messages \(messages) bytes \(frames.reduce(0) { $0 + $1.count })")
    case "decode":
        guard arguments.count >= 2 else { throw BenchError(description: usage) }
        try runDecode(path: arguments[1], minSeconds: Double(option("--min-seconds", in: arguments) ?? "5") ?? 5)
    default:
        throw BenchError(description: usage)
    }
} catch {
    FileHandle.standardError.write(Data("tiktoklive-bench: \(error)\n".utf8))
    exit(1)
}
