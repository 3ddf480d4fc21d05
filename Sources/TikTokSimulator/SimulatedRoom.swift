import Foundation
import LiveMedia
import Logging
import SwiftProtobuf
import Synchronization
import TikTokLive

/// One creator's room: whether it is live, its video feeds, its event log and the WebSocket clients in it.
///
/// A live has a broadcast in the room's codec from the start, and one in the other codec once a viewer asks for a
/// rendition labelled with it (on the same timeline, so both show the same media time).
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
        var roomID: Int64
        /// Every earlier id of this room (ended lives, ids a live moved away from), oldest first.
        var endedRoomIDs: [Int64] = []
        var status = 4
        var hasBeenLive = false
        /// Lives started so far; the next live without an id of its own gets `creator.roomID + 1000 × livesStarted`.
        var livesStarted: Int64 = 0
        /// The running video feeds, by codec; the room's own codec is there while live.
        var broadcasts: [VideoConfiguration.Codec: LiveBroadcast] = [:]
        /// The video settings now (the picture size changes with ``changeResolution(_:)``).
        var video: SimulatorScenario.Video
        var startTime: Int64 = 0
        var log: [Webcast_BaseProtoMessage] = []
        var sockets: [Int: Socket] = [:]
        var nextSocketID = 0
        var nextLogID: Int64 = 1
        var nextMessageID: Int64 = 7_400_000_000_000_000_001
    }

    let creator: SimulatorScenario.Creator
    let groundTruth: GroundTruth
    /// How the room's video is produced.
    let encoder: SimulatorScenario.Encoder
    private let state: Mutex<State>

    init(creator: SimulatorScenario.Creator, groundTruth: GroundTruth, encoder: SimulatorScenario.Encoder = .live) {
        self.creator = creator
        self.groundTruth = groundTruth
        self.encoder = encoder
        self.state = Mutex(State(roomID: creator.roomID, video: creator.video))
    }

    /// The room id now: the creator's, until a scenario changes it mid-live or a later live gets a new one.
    var roomID: Int64 { self.state.withLock { $0.roomID } }

    /// Whether `roomID` is one of this room's earlier ids: a live that has ended or moved to another id.
    func hadRoomID(_ roomID: Int64) -> Bool {
        self.state.withLock { $0.endedRoomIDs.contains(roomID) && $0.roomID != roomID }
    }

    /// How far apart the room ids of a creator's lives are: the `n`-th live (from 0) is in `roomID + n × this`,
    /// unless the scenario names its room.
    static let roomIDStepPerLive: Int64 = 1000

    /// The stream id used in CDN URLs.
    var streamID: Int64 { self.roomID - 4_300_000_000_000_000_000 }

    /// 2 while live, 3 while the live is paused, 4 otherwise.
    var status: Int { self.state.withLock { $0.status } }
    /// Whether a live is going on, paused or not (status 2 or 3): video, sockets and chat carry on while paused.
    var isOnAir: Bool { self.state.withLock { $0.status != 4 } }
    /// Whether the creator was ever live (so the user object carries a room id).
    var hasBeenLive: Bool { self.state.withLock { $0.hasBeenLive } }
    /// Unix seconds when the current or last live started.
    var startTime: Int64 { self.state.withLock { $0.startTime } }
    /// The running video feed in the room's own codec, if live.
    var broadcast: LiveBroadcast? { self.state.withLock { $0.broadcasts[self.creator.video.codec] } }
    /// The room's video settings now.
    var video: SimulatorScenario.Video { self.state.withLock { $0.video } }

    /// The feed in `codec` while live, started on the live's timeline if it is not running yet; `nil` when not live.
    /// - Throws: ``LiveMediaError`` when that codec's encoder cannot start.
    func broadcast(codec: VideoConfiguration.Codec, logger: Logger) async throws -> LiveBroadcast? {
        let (existing, primary, video) = self.state.withLock { state in
            (state.broadcasts[codec], state.broadcasts[self.creator.video.codec], state.video)
        }
        if let existing { return existing }
        guard let primary else { return nil }
        let started = try await LiveBroadcast.start(
            video: video.with(codec: codec), encoder: self.encoder, startWallClock: primary.startWallClock, logger: logger)
        let kept = self.state.withLock { state -> LiveBroadcast? in
            // Another viewer started it meanwhile, or the live ended: keep theirs, or none.
            guard state.broadcasts[self.creator.video.codec] === primary else { return nil }
            if let other = state.broadcasts[codec] { return other }
            state.broadcasts[codec] = started
            return started
        }
        if kept !== started { started.stop() }
        return kept
    }

    // MARK: - Scenario actions

    /// Starts the live: video in the room's codec at its starting size, `status` 2, a fresh event log. As on TikTok,
    /// every live has a room id of its own: `roomID` when given, else the creator's for the first live and
    /// ``roomIDStepPerLive`` more for each live after it; the previous id is kept as an ended room.
    /// - Throws: ``LiveMediaError`` when the encoder cannot start.
    func goLive(roomID: Int64? = nil, logger: Logger) async throws {
        let broadcast = try await LiveBroadcast.start(video: self.creator.video, encoder: self.encoder, logger: logger)
        self.state.withLock { state in
            let newID = roomID ?? self.creator.roomID + Self.roomIDStepPerLive * state.livesStarted
            if state.hasBeenLive, newID != state.roomID { state.endedRoomIDs.append(state.roomID) }
            state.roomID = newID
            state.livesStarted += 1
            state.status = 2
            state.hasBeenLive = true
            state.video = self.creator.video
            state.broadcasts = [self.creator.video.codec: broadcast]
            state.startTime = Int64(Date().timeIntervalSince1970)
            state.log.removeAll()
        }
    }

    /// Changes the picture size of every running feed at its next frame (see
    /// ``LiveBroadcast/changeResolution(width:height:announce:groundTruth:)``); ground truth logs it once, from the
    /// room's own codec. Nothing happens when the room is not live.
    /// - Throws: ``LiveMediaError`` when the loop GOP at the new size cannot be encoded.
    func changeResolution(_ change: ScenarioStep.ResolutionChange) async throws {
        let broadcasts = self.state.withLock { state in
            state.video = state.video.with(width: change.width, height: change.height)
            return state.broadcasts
        }
        for (codec, broadcast) in broadcasts {
            try await broadcast.changeResolution(
                width: change.width, height: change.height, announce: change.announce,
                groundTruth: codec == self.creator.video.codec ? self.groundTruth : nil)
        }
    }

    /// In loop mode, encodes the GOP of the room's video and of every size `steps` change it to, all at once, so
    /// that each step can happen at its scripted moment instead of after an encode (seconds of x265 on a loaded
    /// machine). Does nothing in live mode. An encode that fails here is left to the step itself to report.
    func prepareLoopGOPs(for steps: [ScenarioStep]) async {
        guard self.encoder == .loop else { return }
        var sizes = [self.creator.video]
        for case .resolution(let change) in steps.map(\.action) {
            sizes.append(self.creator.video.with(width: change.width, height: change.height))
        }
        await withTaskGroup(of: Void.self) { group in
            for video in sizes { group.addTask { _ = try? await LoopedGOP.shared(for: video) } }
        }
    }

    /// Pauses the live: control action 1, and `status` 3 on every endpoint until ``resume()``. The video keeps going,
    /// as TikTok's does. Nothing happens when the room is not live.
    func pause() {
        guard self.setStatus(3) else { return }
        self.pushControl(action: 1)
    }

    /// Resumes a paused live: control action 2 and `status` 2 again. Nothing happens when the room is not live.
    func resume() {
        guard self.setStatus(2) else { return }
        self.pushControl(action: 2)
    }

    /// Sets a live's status to `status` (2 or 3); `false` when no live is going on.
    private func setStatus(_ status: Int) -> Bool {
        self.state.withLock { state in
            guard state.status != 4 else { return false }
            state.status = status
            return true
        }
    }

    /// Pushes control `action` without ending anything: 1 paused, 2 resumed (the video keeps going, as TikTok's does).
    func pushControl(action: Int64) {
        var control = Webcast_ControlMessage()
        control.action = action
        self.push(method: "WebcastControlMessage", type: "control", comment: nil) { common in
            control.common = common
            return try control.serializedBytes()
        }
    }

    /// Pushes control `action` (3 = ended; `nil` sends no end message, as TikTok sometimes fails to), stops the video
    /// and closes every socket after `linger`.
    func end(action: Int64?, linger: Duration) async {
        if let action { self.pushControl(action: action) }
        self.stopVideo()
        try? await Task.sleep(for: linger)
        self.closeSockets()
    }

    /// Moves the live to a new room id, as TikTok does when a creator's live is re-created: the old id is no longer
    /// live (its sockets close without an end message), the new one carries on with a fresh event log and the same
    /// video under new CDN URLs.
    func changeRoomID(to roomID: Int64) {
        self.state.withLock { state in
            if state.roomID != roomID { state.endedRoomIDs.append(state.roomID) }
            state.roomID = roomID
            state.log.removeAll()
        }
        self.closeSockets()
        self.groundTruth.recordFault("room.idChanged \(roomID)")
    }

    /// Stops the video and closes every socket at once, without an end message (simulator shutdown).
    func close() {
        self.stopVideo()
        self.closeSockets()
    }

    private func stopVideo() {
        let broadcasts = self.state.withLock { state in
            state.status = 4
            defer { state.broadcasts.removeAll() }
            return Array(state.broadcasts.values)
        }
        for broadcast in broadcasts { broadcast.stop() }
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

    /// The last chat message of the current live, if any.
    var lastChatMessage: Webcast_BaseProtoMessage? {
        self.state.withLock { state in state.log.last { $0.method == "WebcastChatMessage" } }
    }

    /// Pushes one message to every socket in the room and logs it in the room's event log and ground truth: a common
    /// header (method, a new message id, the room id, the time) handed to `payload` for the message's bytes.
    func push(method: String, type: String, comment: String?, payload: (Webcast_CommonMessageData) throws -> [UInt8]) {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        self.state.withLock { state in
            let messageID = state.nextMessageID
            state.nextMessageID += 1
            var common = Webcast_CommonMessageData()
            common.method = method
            common.msgID = messageID
            common.roomID = state.roomID
            common.createTime = now
            var message = Webcast_BaseProtoMessage()
            message.method = method
            message.msgID = messageID
            message.payload = Data((try? payload(common)) ?? [])
            state.log.append(message)
            let mediaTime = state.broadcasts[self.creator.video.codec].map { Double(now) / 1000 - $0.startWallClock } ?? 0
            self.groundTruth.recordPushed(
                .init(msgID: messageID, type: type, createTime: now, mediaTime: mediaTime, comment: comment, roomID: state.roomID)
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
            result.routeParams = ["wrss": "sim-\(state.roomID)"]
            result.isFirst = true
            return result
        }
    }

    /// Registers a WebSocket client resuming at `cursor`: it gets a replay of the last chat messages before the
    /// cursor as history (as TikTok does on join; clients must de-duplicate), the messages it missed since the fetch,
    /// then live frames.
    ///
    /// `roomID` is the id the client connected for: if the live has moved to another id since, the socket is closed
    /// at once, so a socket that raced a room id change never carries the new room's events.
    func connect(cursor: Int, gzip: Bool, roomID: Int64) -> (id: Int, frames: AsyncStream<Outbound>) {
        let (frames, continuation) = AsyncStream.makeStream(of: Outbound.self, bufferingPolicy: .bufferingOldest(1000))
        let id = self.state.withLock { state in
            let id = state.nextSocketID
            state.nextSocketID += 1
            guard state.roomID == roomID else {
                continuation.yield(.close)
                continuation.finish()
                return id
            }
            // History is what was said before the client's cursor (it has those already, from the fetch); what it
            // missed since comes as ordinary messages.
            let seen = min(max(cursor, 0), state.log.count)
            let history = state.log.prefix(seen).suffix(6).filter { $0.method == "WebcastChatMessage" }.map { message in
                var replay = message
                replay.isHistory = true
                return replay
            }
            let missed = Array(state.log.dropFirst(seen))
            if !history.isEmpty || !missed.isEmpty {
                continuation.yield(.frame(Self.msgFrame(history + missed, cursor: state.log.count, gzip: gzip, logID: &state.nextLogID)))
            }
            if state.status != 4 {
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
