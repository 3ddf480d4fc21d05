import Foundation
import Logging
import SwiftProtobuf
import Synchronization
import TikTokLive

/// One creator's room: whether it is live, its video feed, its event log and the WebSocket clients in it.
final class SimulatedRoom: Sendable {
    /// A frame bound for one WebSocket client, or the instruction to close it.
    enum Outbound: Sendable {
        case frame([UInt8])
        case close
    }

    private struct Socket {
        var continuation: AsyncStream<Outbound>.Continuation
        var gzip: Bool
    }

    private struct State {
        var status = 4
        var hasBeenLive = false
        var broadcast: LiveBroadcast?
        var startTime: Int64 = 0
        var log: [Webcast_BaseProtoMessage] = []
        var sockets: [Int: Socket] = [:]
        var nextSocketID = 0
        var nextLogID: Int64 = 1
        var nextMessageID: Int64 = 7_400_000_000_000_000_001
    }

    let creator: SimulatorScenario.Creator
    let groundTruth: GroundTruth
    private let state = Mutex(State())

    init(creator: SimulatorScenario.Creator, groundTruth: GroundTruth) {
        self.creator = creator
        self.groundTruth = groundTruth
    }

    /// The stream id used in CDN URLs.
    var streamID: Int64 { self.creator.roomID - 4_300_000_000_000_000_000 }

    /// 2 while live, 4 otherwise.
    var status: Int { self.state.withLock { $0.status } }
    /// Whether the creator was ever live (so the user object carries a room id).
    var hasBeenLive: Bool { self.state.withLock { $0.hasBeenLive } }
    /// Unix seconds when the current or last live started.
    var startTime: Int64 { self.state.withLock { $0.startTime } }
    /// The running video feed, if live.
    var broadcast: LiveBroadcast? { self.state.withLock { $0.broadcast } }

    // MARK: - Scenario actions

    func goLive(logger: Logger) throws {
        let broadcast = try LiveBroadcast(logger: logger)
        self.state.withLock { state in
            state.status = 2
            state.hasBeenLive = true
            state.broadcast = broadcast
            state.startTime = Int64(Date().timeIntervalSince1970)
            state.log.removeAll()
        }
    }

    /// Pushes control `action` (3 = ended; `nil` sends no end message, as TikTok sometimes fails to), stops the video
    /// and closes every socket after `linger`.
    func end(action: Int64?, linger: Duration) async {
        if let action {
            var control = Webcast_ControlMessage()
            control.action = action
            self.push(method: "WebcastControlMessage", type: "control", comment: nil) { common in
                control.common = common
                return try control.serializedBytes()
            }
        }
        self.stopVideo()
        try? await Task.sleep(for: linger)
        self.closeSockets()
    }

    /// Stops the video and closes every socket at once, without an end message (simulator shutdown).
    func close() {
        self.stopVideo()
        self.closeSockets()
    }

    private func stopVideo() {
        let broadcast = self.state.withLock { state in
            state.status = 4
            defer { state.broadcast = nil }
            return state.broadcast
        }
        broadcast?.stop()
    }

    private func closeSockets() {
        let sockets = self.state.withLock { state in
            defer { state.sockets.removeAll() }
            return Array(state.sockets.values)
        }
        for socket in sockets {
            socket.continuation.yield(.close)
            socket.continuation.finish()
        }
    }

    /// Pushes a chat message from `user`.
    func pushChat(_ comment: String, from user: Webcast_User) {
        var chat = Webcast_ChatMessage()
        chat.user = user
        chat.content = comment
        chat.contentLanguage = "en"
        self.push(method: "WebcastChatMessage", type: "chat", comment: comment) { common in
            chat.common = common
            return try chat.serializedBytes()
        }
    }

    /// Pushes one `WebcastGiftMessage` frame: `repeatCount` so far, `repeatEnd` when the streak ends.
    func pushGift(
        giftID: Int64, name: String, type: Int64, diamondCount: Int64, repeatCount: Int64, repeatEnd: Bool, groupID: Int64,
        from user: Webcast_User
    ) {
        var gift = Webcast_GiftMessage()
        gift.giftID = giftID
        gift.repeatCount = repeatCount
        gift.comboCount = repeatCount
        gift.repeatEnd = repeatEnd ? 1 : 0
        gift.groupID = groupID
        gift.user = user
        gift.sendType = repeatEnd ? 0 : 1
        gift.gift.id = giftID
        gift.gift.name = name
        gift.gift.type = type
        gift.gift.diamondCount = diamondCount
        self.push(method: "WebcastGiftMessage", type: "gift", comment: nil) { common in
            gift.common = common
            return try gift.serializedBytes()
        }
    }

    private func push(method: String, type: String, comment: String?, payload: (Webcast_CommonMessageData) throws -> [UInt8]) {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        self.state.withLock { state in
            let messageID = state.nextMessageID
            state.nextMessageID += 1
            var common = Webcast_CommonMessageData()
            common.method = method
            common.msgID = messageID
            common.roomID = self.creator.roomID
            common.createTime = now
            var message = Webcast_BaseProtoMessage()
            message.method = method
            message.msgID = messageID
            message.payload = Data((try? payload(common)) ?? [])
            state.log.append(message)
            let mediaTime = state.broadcast.map { Double(now) / 1000 - $0.startWallClock } ?? 0
            self.groundTruth.recordPushed(
                .init(msgID: messageID, type: type, createTime: now, mediaTime: mediaTime, comment: comment, roomID: self.creator.roomID)
            )
            let cursor = state.log.count
            for (id, socket) in state.sockets {
                let frame = Self.msgFrame([message], cursor: cursor, gzip: socket.gzip, logID: &state.nextLogID)
                if case .dropped = socket.continuation.yield(.frame(frame)) {
                    // A client this far behind is disconnected, as TikTok does, rather than buffered for.
                    socket.continuation.finish()
                    state.sockets[id] = nil
                }
            }
        }
    }

    // MARK: - Event transport

    /// The initial fetch: every message of the current live after `cursor` (all of them without one), and the cursor
    /// after them.
    func fetchResult(pushServer: String, after cursor: Int? = nil) -> Webcast_ProtoMessageFetchResult {
        self.state.withLock { state in
            var result = Webcast_ProtoMessageFetchResult()
            result.messages = Array(state.log.dropFirst(min(max(cursor ?? 0, 0), state.log.count)))
            result.cursor = String(state.log.count)
            result.internalExt = "internal_src:sim|cursor:\(state.log.count)"
            result.now = Int64(Date().timeIntervalSince1970 * 1000)
            result.fetchInterval = 1000
            result.heartbeatDuration = 10_000
            result.pushServer = pushServer
            result.routeParams = ["wrss": "sim-\(self.creator.roomID)"]
            result.isFirst = true
            return result
        }
    }

    /// Registers a WebSocket client resuming at `cursor`: it gets the messages it missed since the fetch, a replay
    /// of the last six as history (as TikTok does on join; clients must de-duplicate), then live frames.
    func connect(cursor: Int, gzip: Bool) -> (id: Int, frames: AsyncStream<Outbound>) {
        let (frames, continuation) = AsyncStream.makeStream(of: Outbound.self, bufferingPolicy: .bufferingOldest(1000))
        let id = self.state.withLock { state in
            let id = state.nextSocketID
            state.nextSocketID += 1
            let history = state.log.suffix(6).filter { $0.method == "WebcastChatMessage" }.map { message in
                var replay = message
                replay.isHistory = true
                return replay
            }
            let missed = Array(state.log.dropFirst(min(max(cursor, 0), state.log.count)))
            if !history.isEmpty || !missed.isEmpty {
                continuation.yield(.frame(Self.msgFrame(history + missed, cursor: state.log.count, gzip: gzip, logID: &state.nextLogID)))
            }
            if state.status == 2 {
                state.sockets[id] = Socket(continuation: continuation, gzip: gzip)
            } else {
                continuation.yield(.close)
                continuation.finish()
            }
            return id
        }
        return (id, frames)
    }

    func disconnect(_ id: Int) {
        _ = self.state.withLock { $0.sockets.removeValue(forKey: id) }
    }

    private static func msgFrame(_ messages: [Webcast_BaseProtoMessage], cursor: Int, gzip: Bool, logID: inout Int64) -> [UInt8] {
        var result = Webcast_ProtoMessageFetchResult()
        result.messages = messages
        result.cursor = String(cursor)
        result.internalExt = "internal_src:sim|cursor:\(cursor)"
        result.now = Int64(Date().timeIntervalSince1970 * 1000)
        result.needAck = true
        defer { logID += 1 }
        return PushFrames.messageFrame(result, gzip: gzip, logID: logID)
    }
}
