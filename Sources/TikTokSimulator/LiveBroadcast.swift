import CurlTransport
import Foundation
import LiveMedia
import Logging
import Synchronization

/// One live video feed: a real-time test-pattern encoder and the CDN viewers subscribed to it.
///
/// The encoder runs on its own thread, paced by the wall clock (frame `n` is encoded at `start + n/fps`). Like
/// a real CDN edge, a new viewer first gets the FLV header, the sequence headers and the current GOP (so it can
/// start at a keyframe, in a burst), then live tags. ``stop()`` ends every viewer's response. ``CDNFaults`` bend this
/// on demand: see ``subscribe(duplicatePreviousGOP:burstSeconds:)``, ``serve(_:faults:connectedAt:write:)`` and
/// ``watchTimestampJumps(from:groundTruth:)``.
final class LiveBroadcast: Sendable {
    /// A run of FLV bytes with the media timestamps it covers.
    struct Chunk: Sendable {
        var bytes: [UInt8]
        var firstTimestamp: Int64?
        var lastTimestamp: Int64?
        /// Wall-clock Unix time (seconds) the encoder produced it; `nil` for headers.
        var encodedAt: Double?
    }

    /// Where timestamp jumps come from and are logged.
    private struct JumpSource: Sendable {
        var faults: CDNFaults
        var groundTruth: GroundTruth
    }

    private struct State {
        var sequenceHeaders: [UInt8] = []
        var currentGOP: [Chunk] = []
        /// Finished GOPs before the current one, oldest first, covering at most ``historyLimit`` seconds.
        var previousGOPs: [[Chunk]] = []
        var jumpSource: JumpSource?
        var viewers: [Int: AsyncStream<Chunk>.Continuation] = [:]
        var nextViewerID = 0
        var ended = false
    }

    private let state = Mutex(State())
    private let stopSignal = StopSignal()
    /// Wall-clock Unix time (seconds) of media time 0.
    let startWallClock: Double

    /// Starts encoding immediately on a dedicated thread.
    init(logger: Logger) throws {
        let encoder = try TestPatternEncoder()
        let start = Date().timeIntervalSince1970
        self.startWallClock = start
        self.state.withLock { state in
            state.sequenceHeaders =
                FLVTagWriter.fileHeader
                + FLVTagWriter.tag(kind: .video, timestamp: 0, body: FLVTagWriter.avcSequenceHeader(encoder.avcC))
                + FLVTagWriter.tag(kind: .audio, timestamp: 0, body: FLVTagWriter.aacSequenceHeader(encoder.audioSpecificConfig))
        }
        let box = EncoderBox(encoder)
        let thread = Thread { [self] in
            do {
                try self.encodeLoop(box.encoder, start: start)
            } catch {
                logger.error("simulator encoder failed", metadata: ["error": "\(error)"])
            }
            self.endViewers()
        }
        thread.name = "sim-encoder"
        thread.start()
    }

    /// Ends the broadcast: the encoder stops and every viewer's stream finishes.
    func stop() {
        self.stopSignal.stop()
    }

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

    private func encodeLoop(_ encoder: TestPatternEncoder, start: Double) throws {
        var frame: Int64 = 0
        var timestampOffset: Int64 = 0
        while !self.stopSignal.isStopped {
            let due = start + Double(frame) / Double(encoder.framesPerSecond)
            let wait = due - Date().timeIntervalSince1970
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            let packets = try encoder.encodeNextFrame()
            frame += 1
            if let source = self.state.withLock({ $0.jumpSource }), let jump = source.faults.takeTimestampJump() {
                timestampOffset += jump
                source.groundTruth.recordFault("cdn.timestampJump")
            }
            var isKeyframe = false
            var chunk = Chunk(bytes: [], encodedAt: Date().timeIntervalSince1970)
            // FLV timestamps are unsigned: drop the encoder's priming packets from before media time 0.
            for packet in packets where packet.dts >= 0 {
                let timestamp = packet.dts + timestampOffset
                let body: [UInt8]
                let kind: FLVTag.Kind
                if packet.track == .video {
                    isKeyframe = isKeyframe || packet.isKeyframe
                    kind = .video
                    body = FLVTagWriter.avcFrame(packet.data, keyframe: packet.isKeyframe, compositionTime: Int32(packet.pts - packet.dts))
                } else {
                    kind = .audio
                    body = FLVTagWriter.aacFrame(packet.data)
                }
                chunk.bytes += FLVTagWriter.tag(kind: kind, timestamp: UInt32(truncatingIfNeeded: timestamp), body: body)
                chunk.firstTimestamp = chunk.firstTimestamp ?? timestamp
                chunk.lastTimestamp = timestamp
            }
            guard !chunk.bytes.isEmpty else { continue }
            self.state.withLock { state in
                if isKeyframe {
                    if !state.currentGOP.isEmpty { state.previousGOPs.append(state.currentGOP) }
                    let oldest = (chunk.encodedAt ?? 0) - Self.historyLimit
                    state.previousGOPs.removeAll { ($0.last?.encodedAt ?? 0) < oldest }
                    state.currentGOP = []
                }
                state.currentGOP.append(chunk)
                for (id, viewer) in state.viewers {
                    if case .dropped = viewer.yield(chunk) {
                        viewer.finish()
                        state.viewers[id] = nil
                    }
                }
            }
        }
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

/// Hands the non-Sendable encoder to the one thread that uses it.
private final class EncoderBox: @unchecked Sendable {
    let encoder: TestPatternEncoder
    init(_ encoder: TestPatternEncoder) { self.encoder = encoder }
}
