import CurlTransport
import Foundation
import LiveMedia
import Logging
import Synchronization

/// One live video feed: test-pattern video in one codec, and the CDN viewers subscribed to it.
///
/// The video comes from one of two sources (``SimulatorScenario/Encoder``): in `live` mode a real-time encoder on its
/// own thread, paced by the wall clock (the frame at media time `t` is encoded at `startWallClock + t`); in `loop`
/// mode a ``LoopedGOP`` shared by every broadcast of the same settings, sent again and again with rewritten timestamps
/// by the shared ``LoopPacer``. Like a real CDN edge, a new viewer first gets the FLV header, the current sequence
/// headers and the current GOP (so it can start at a keyframe, in a burst), then live tags. ``stop()`` ends every
/// viewer's response. ``changeResolution(width:height:announce:groundTruth:)`` changes the picture size mid-stream.
/// ``CDNFaults`` bend this on demand: see ``subscribe(duplicatePreviousGOP:burstSeconds:)``,
/// ``serve(_:faults:connectedAt:write:)`` and ``watchTimestampJumps(from:groundTruth:)``.
final class LiveBroadcast: Sendable {
    /// A run of FLV bytes with the media timestamps it covers.
    ///
    /// A looping broadcast's chunk keeps only a reference to the shared GOP frame and its timestamp base, and builds
    /// its bytes when read, so the seconds of history every broadcast keeps cost next to no memory in loop mode.
    struct Chunk: Sendable {
        private enum Content: Sendable {
            case bytes([UInt8])
            case looped(prefix: [UInt8], frame: LoopedGOP.Frame, base: Int64)
        }

        private var content: Content
        var firstTimestamp: Int64?
        var lastTimestamp: Int64?
        /// Wall-clock Unix time (seconds) the encoder produced it; `nil` for headers.
        var encodedAt: Double?

        /// The FLV bytes.
        var bytes: [UInt8] {
            switch self.content {
            case .bytes(let bytes): bytes
            case .looped(let prefix, let frame, let base): prefix + frame.bytes(at: base)
            }
        }

        init(bytes: [UInt8], firstTimestamp: Int64? = nil, lastTimestamp: Int64? = nil, encodedAt: Double? = nil) {
            self.content = .bytes(bytes)
            self.firstTimestamp = firstTimestamp
            self.lastTimestamp = lastTimestamp
            self.encodedAt = encodedAt
        }

        /// `frame` of a looped GOP with its timestamps moved by `base`, after `prefix` (a sequence header, or nothing).
        init(looped frame: LoopedGOP.Frame, base: Int64, prefix: [UInt8], encodedAt: Double) {
            self.content = .looped(prefix: prefix, frame: frame, base: base)
            self.firstTimestamp = frame.tags.firstTimestamp.map { $0 + base }
            self.lastTimestamp = frame.tags.lastTimestamp.map { $0 + base }
            self.encodedAt = encodedAt
        }
    }

    /// Where timestamp jumps come from and are logged.
    private struct JumpSource: Sendable {
        var faults: CDNFaults
        var groundTruth: GroundTruth
    }

    /// A picture size change waiting for the next frame.
    private struct PendingChange: Sendable {
        var width: Int
        var height: Int
        var announce: ScenarioStep.ResolutionChange.Announcement
        var groundTruth: GroundTruth?
        /// The GOP at the new size, in loop mode.
        var gop: LoopedGOP?

        var faultName: String { "cdn.resolutionChange \(self.width)x\(self.height) \(self.announce.rawValue)" }
    }

    /// Where a looping broadcast is in its GOP.
    private struct LoopCursor: Sendable {
        var gop: LoopedGOP
        /// The broadcast-wide index of the frame where the current pass through the GOP started.
        var passStartFrame: Int64
        /// The broadcast-wide index of the next frame to send (due at `startWallClock + index / fps`).
        var nextFrame: Int64
    }

    private struct State {
        var sequenceHeaders: [UInt8] = []
        var currentGOP: [Chunk] = []
        /// Finished GOPs before the current one, oldest first, covering at most ``historyLimit`` seconds.
        var previousGOPs: [[Chunk]] = []
        var jumpSource: JumpSource?
        /// Added to every timestamp from now on: the sum of the timestamp jumps so far.
        var timestampOffset: Int64 = 0
        var pendingChange: PendingChange?
        var loop: LoopCursor?
        var viewers: [Int: AsyncStream<Chunk>.Continuation] = [:]
        var nextViewerID = 0
        var ended = false
    }

    private let state = Mutex(State())
    private let stopSignal = StopSignal()
    /// Wall-clock Unix time (seconds) of media time 0.
    let startWallClock: Double
    /// The settings the broadcast started with (codec and HEVC form never change; the size may).
    let video: SimulatorScenario.Video
    /// Live encoder or GOP loop.
    let encoder: SimulatorScenario.Encoder

    private init(video: SimulatorScenario.Video, encoder: SimulatorScenario.Encoder, startWallClock: Double, headers: [UInt8]) {
        self.video = video
        self.encoder = encoder
        self.startWallClock = startWallClock
        self.state.withLock { $0.sequenceHeaders = headers }
    }

    /// Starts a broadcast of `video` at once: in `live` mode an encoder on a dedicated thread, in `loop` mode (once
    /// the shared GOP is encoded, on its own thread) on the ``LoopPacer``.
    /// - Parameter startWallClock: Unix time of media time 0; give an earlier one to join a running live's timeline
    ///   (another codec of the same room), so timestamps and the drawn time match it. Default: now.
    /// - Throws: ``LiveMediaError`` when the encoder cannot start.
    static func start(
        video: SimulatorScenario.Video, encoder: SimulatorScenario.Encoder, startWallClock: Double? = nil, logger: Logger
    ) async throws -> LiveBroadcast {
        switch encoder {
        case .live:
            let start = startWallClock ?? Date().timeIntervalSince1970
            // The encoder is opened, used and freed on its own thread (opening libx265 alone takes a while).
            return try await withCheckedThrowingContinuation { continuation in
                let thread = Thread {
                    let source: TestPatternEncoder
                    do {
                        source = try TestPatternEncoder(
                            codec: video.codec, width: video.width, height: video.height, framesPerSecond: video.framesPerSecond,
                            videoBitrate: video.bitrate,
                            startTime: startWallClock == nil ? 0 : Int64(max(0, Date().timeIntervalSince1970 - start) * 1000))
                    } catch {
                        continuation.resume(throwing: error)
                        return
                    }
                    let headers = FLVChunkBuilder.headers(
                        video, configuration: source.videoConfiguration, audioSpecificConfig: source.audioSpecificConfig)
                    let broadcast = LiveBroadcast(video: video, encoder: encoder, startWallClock: start, headers: headers)
                    continuation.resume(returning: broadcast)
                    do {
                        try broadcast.encodeLoop(source)
                    } catch {
                        logger.error("simulator encoder failed", metadata: ["error": "\(error)"])
                    }
                    broadcast.endViewers()
                }
                thread.name = "sim-encoder"
                thread.start()
            }
        case .loop:
            let gop = try await LoopedGOP.shared(for: video)
            let start = startWallClock ?? Date().timeIntervalSince1970
            let broadcast = LiveBroadcast(video: video, encoder: encoder, startWallClock: start, headers: gop.headers)
            let fps = Double(video.framesPerSecond)
            // A new live starts at frame 0; one joining a running live at the next frame due.
            let first = startWallClock == nil ? 0 : Int64(((Date().timeIntervalSince1970 - start) * fps).rounded(.up))
            broadcast.state.withLock { $0.loop = LoopCursor(gop: gop, passStartFrame: max(0, first), nextFrame: max(0, first)) }
            LoopPacer.shared.add(broadcast)
            return broadcast
        }
    }

    /// Changes the picture size at the next frame, a keyframe carrying the new parameter sets in-band; with
    /// `announce: .sequenceHeader` a new sequence header tag goes just before it. New viewers get the new sequence
    /// header either way. Logged in `groundTruth` (if given) as `cdn.resolutionChange WxH <announce>` with the
    /// keyframe's timestamp when it goes out. In loop mode, waits until the GOP at the new size is encoded.
    /// - Throws: ``LiveMediaError`` when the loop GOP at the new size cannot be encoded.
    func changeResolution(
        width: Int, height: Int, announce: ScenarioStep.ResolutionChange.Announcement, groundTruth: GroundTruth?
    ) async throws {
        var change = PendingChange(width: width, height: height, announce: announce, groundTruth: groundTruth)
        if self.encoder == .loop {
            var video = self.video
            video.width = width
            video.height = height
            change.gop = try await LoopedGOP.shared(for: video)
        }
        self.state.withLock { $0.pendingChange = change }
    }

    /// Ends the broadcast: the encoder stops and every viewer's stream finishes.
    func stop() {
        self.stopSignal.stop()
    }

    /// How far (seconds) the live encoder may fall behind the wall clock before it drops frames to catch up.
    static let encoderLagLimit = 0.1

    /// How many chunks (frames) a viewer may fall behind before it is cut off, as a CDN edge drops a slow
    /// client instead of buffering for it: about 20 s of video.
    static let viewerBacklogLimit = 600

    /// Seconds of finished GOPs kept for connect-time bursts and duplicated GOPs.
    static let historyLimit = 30.0

    /// Makes the encoder take timestamp jumps from `faults` (logging each as `cdn.timestampJump`). Idempotent.
    func watchTimestampJumps(from faults: CDNFaults, groundTruth: GroundTruth) {
        self.state.withLock { $0.jumpSource = JumpSource(faults: faults, groundTruth: groundTruth) }
    }

    /// A new viewer's byte stream, starting with headers and the current GOP.
    ///
    /// - Parameters:
    ///   - duplicatePreviousGOP: after the current GOP, send the previous GOP and the current GOP again, with their
    ///     original timestamps, as an edge that replays its buffer after reconnecting upstream.
    ///   - burstSeconds: start with every buffered GOP needed to cover this many seconds, instead of the current GOP.
    func subscribe(duplicatePreviousGOP: Bool = false, burstSeconds: Double? = nil) -> AsyncStream<Chunk> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: Chunk.self, bufferingPolicy: .bufferingOldest(Self.viewerBacklogLimit)
        )
        let id: Int? = self.state.withLock { state in
            guard !state.ended else { return nil }
            continuation.yield(Chunk(bytes: state.sequenceHeaders))
            var opening = [state.currentGOP]
            if let burstSeconds {
                let since = Date().timeIntervalSince1970 - burstSeconds
                for gop in state.previousGOPs.reversed() {
                    if let first = opening.first?.first?.encodedAt, first <= since { break }
                    opening.insert(gop, at: 0)
                }
            }
            if duplicatePreviousGOP, let previous = state.previousGOPs.last {
                opening += [previous, state.currentGOP]
            }
            for chunk in opening.joined() { continuation.yield(chunk) }
            let id = state.nextViewerID
            state.nextViewerID += 1
            state.viewers[id] = continuation
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.viewers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Thrown to close a viewer's connection abruptly, as a CDN edge that drops it.
    struct DroppedConnection: Error {}

    /// Writes `chunks` to one viewer through `write`, applying that viewer's `faults`: chunks are held until
    /// `latency` after they were encoded (headers: after `connectedAt`), the stream stalls once for the stall's
    /// duration, and it ends with ``DroppedConnection`` once the drop's seconds of media were sent. Without faults
    /// every chunk is written as soon as it arrives.
    /// - Throws: ``DroppedConnection``, `CancellationError`, or what `write` throws.
    static func serve(
        _ chunks: AsyncStream<Chunk>, faults: CDNFaults.ViewerFaults, connectedAt: Double,
        write: (Chunk) async throws -> Void
    ) async throws {
        var mediaSeconds = 0.0
        var highestTimestamp: Int64?
        var stalled = false
        for await chunk in chunks {
            if let latency = faults.latency {
                let wait = max(connectedAt, chunk.encodedAt ?? connectedAt) + latency - Date().timeIntervalSince1970
                if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
            }
            try await write(chunk)
            // Seconds of media sent: how far the highest timestamp advanced, in steps under a second (so jumps and
            // replays do not count, nor audio running ahead of video within a chunk).
            if let first = chunk.firstTimestamp, let last = chunk.lastTimestamp {
                let top = max(first, last)
                if let highest = highestTimestamp, top > highest, top - highest < 1000 { mediaSeconds += Double(top - highest) / 1000 }
                highestTimestamp = max(highestTimestamp ?? min(first, last), top)
            }
            if let dropAfter = faults.dropAfter, mediaSeconds >= dropAfter { throw DroppedConnection() }
            if let stall = faults.stall, !stalled, mediaSeconds >= stall.after {
                stalled = true
                try await Task.sleep(for: .seconds(stall.duration))
            }
        }
    }

    private func encodeLoop(_ encoder: TestPatternEncoder) throws {
        // A change applied to the encoder whose keyframe has not gone out yet.
        var changed: PendingChange?
        while !self.stopSignal.isStopped {
            let due = self.startWallClock + Double(encoder.nextVideoTime) / 1000
            let now = Date().timeIntervalSince1970
            let wait = due - now
            let packets: [MediaPacket]
            if -wait > Self.encoderLagLimit {
                // A creator's encoder that cannot keep up drops frames; it does not fall behind the clock. Without
                // this a loaded machine would stream ever older video, and chat would no longer match the picture.
                // The audio of the skipped stretch goes out on its own, in time order, before the next frame.
                packets = try encoder.skipVideoFrames(before: Int64((now - self.startWallClock) * 1000))
            } else {
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                if let change = self.state.withLock({ state in
                    defer { state.pendingChange = nil }; return state.pendingChange
                }) {
                    try encoder.changeResolution(width: change.width, height: change.height)
                    changed = change
                }
                packets = try encoder.encodeNextFrame()
            }
            let offset = self.takeTimestampJumps()
            let tags = FLVChunkBuilder.tags(
                packets, video: self.video, offset: offset, minimumDTS: encoder.startTime,
                inBand: changed == nil ? nil : encoder.videoConfiguration)
            guard !tags.bytes.isEmpty else { continue }
            var prefix: [UInt8] = []
            var headers: [UInt8]?
            if let change = changed, tags.isKeyframe, let timestamp = tags.firstTimestamp {
                if change.announce == .sequenceHeader {
                    prefix = FLVChunkBuilder.videoSequenceHeader(
                        self.video, configuration: encoder.videoConfiguration, timestamp: timestamp)
                }
                headers = FLVChunkBuilder.headers(
                    self.video, configuration: encoder.videoConfiguration, audioSpecificConfig: encoder.audioSpecificConfig)
                change.groundTruth?.recordFault(change.faultName, mediaTimestamp: timestamp)
                changed = nil
            }
            let chunk = Chunk(
                bytes: prefix + tags.bytes, firstTimestamp: tags.firstTimestamp, lastTimestamp: tags.lastTimestamp,
                encodedAt: Date().timeIntervalSince1970)
            let delivery = self.state.withLock { state in
                if let headers { state.sequenceHeaders = headers }
                return Self.file(chunk, isKeyframe: tags.isKeyframe, into: &state)
            }
            self.deliver([delivery])
        }
    }

    /// Sends every frame of a looping broadcast that is due at `now` (at most a second's worth; a broadcast further
    /// behind skips ahead). Called by the ``LoopPacer``.
    /// - Returns: `false` once the broadcast has stopped (its viewers are ended then).
    func advanceLoop(now: Double) -> Bool {
        guard !self.stopSignal.isStopped else {
            self.endViewers()
            return false
        }
        let fps = Int64(self.video.framesPerSecond)
        let due = Int64(((now - self.startWallClock) * Double(fps)).rounded(.down))
        guard self.state.withLock({ ($0.loop?.nextFrame ?? Int64.max) <= due }) else { return true }
        var applied: PendingChange?
        var appliedAt: Int64 = 0
        var deliveries: [Delivery] = []
        self.state.withLock { state in
            guard var cursor = state.loop else { return }
            var sent: Int64 = 0
            while cursor.nextFrame <= due, sent < fps {
                if let jump = state.jumpSource, let milliseconds = jump.faults.takeTimestampJump() {
                    state.timestampOffset += milliseconds
                    jump.groundTruth.recordFault("cdn.timestampJump")
                }
                var frame: LoopedGOP.Frame
                var prefix: [UInt8] = []
                if let change = state.pendingChange, let gop = change.gop {
                    state.pendingChange = nil
                    cursor.gop = gop
                    cursor.passStartFrame = cursor.nextFrame
                    frame = gop.firstFrameWithParameterSets
                    let base = cursor.passStartFrame * 1000 / fps + state.timestampOffset
                    if change.announce == .sequenceHeader {
                        prefix = FLVChunkBuilder.videoSequenceHeader(gop.video, configuration: gop.configuration, timestamp: base)
                    }
                    state.sequenceHeaders = gop.headers
                    (applied, appliedAt) = (change, base)
                } else {
                    if cursor.nextFrame - cursor.passStartFrame >= Int64(cursor.gop.frames.count) {
                        cursor.passStartFrame = cursor.nextFrame
                    }
                    frame = cursor.gop.frames[Int(cursor.nextFrame - cursor.passStartFrame)]
                }
                let base = cursor.passStartFrame * 1000 / fps + state.timestampOffset
                let chunk = Chunk(looped: frame, base: base, prefix: prefix, encodedAt: now)
                deliveries.append(Self.file(chunk, isKeyframe: frame.tags.isKeyframe, into: &state))
                cursor.nextFrame += 1
                sent += 1
            }
            // Over a second behind (an overloaded machine): skip to now rather than burst.
            if cursor.nextFrame <= due { cursor.nextFrame = due + 1 }
            state.loop = cursor
        }
        self.deliver(deliveries)
        if let applied { applied.groundTruth?.recordFault(applied.faultName, mediaTimestamp: appliedAt) }
        return true
    }

    /// Applies pending timestamp jumps (logging each) and returns the total offset to add to timestamps.
    private func takeTimestampJumps() -> Int64 {
        guard let source = self.state.withLock({ $0.jumpSource }) else { return self.state.withLock { $0.timestampOffset } }
        let jump = source.faults.takeTimestampJump()
        if jump != nil { source.groundTruth.recordFault("cdn.timestampJump") }
        return self.state.withLock { state in
            state.timestampOffset += jump ?? 0
            return state.timestampOffset
        }
    }

    /// Files `chunk` in the current GOP (a keyframe starts a new one) and returns the viewers to hand it to.
    ///
    /// The chunk is handed over by ``deliver(_:)`` after the lock is let go: yielding can resume a viewer's task,
    /// which takes that task's status lock, while cancelling a viewer's task holds its status lock and runs the
    /// stream's termination handler, which takes ours. Yielding under our lock deadlocked the two.
    private static func file(_ chunk: Chunk, isKeyframe: Bool, into state: inout State) -> Delivery {
        if isKeyframe {
            if !state.currentGOP.isEmpty { state.previousGOPs.append(state.currentGOP) }
            let oldest = (chunk.encodedAt ?? 0) - Self.historyLimit
            state.previousGOPs.removeAll { ($0.last?.encodedAt ?? 0) < oldest }
            state.currentGOP = []
        }
        state.currentGOP.append(chunk)
        return Delivery(chunk: chunk, viewers: Array(state.viewers))
    }

    /// A chunk and the viewers it goes to, taken under the lock and handed over outside it.
    private struct Delivery {
        var chunk: Chunk
        var viewers: [(key: Int, value: AsyncStream<Chunk>.Continuation)]
    }

    /// Hands each delivery's chunk to its viewers, in order, without holding the lock; a viewer too far behind to
    /// take one is cut off (removed, then finished).
    private func deliver(_ deliveries: [Delivery]) {
        var dropped: Set<Int> = []
        for delivery in deliveries {
            for (id, viewer) in delivery.viewers where !dropped.contains(id) {
                if case .dropped = viewer.yield(delivery.chunk) { dropped.insert(id) }
            }
        }
        guard !dropped.isEmpty else { return }
        let removed = self.state.withLock { state in dropped.compactMap { state.viewers.removeValue(forKey: $0) } }
        for viewer in removed { viewer.finish() }
    }

    private func endViewers() {
        let viewers = self.state.withLock { state in
            state.ended = true
            defer { state.viewers.removeAll() }
            return Array(state.viewers.values)
        }
        for viewer in viewers { viewer.finish() }
    }
}
