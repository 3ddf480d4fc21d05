import CurlTransport
import Foundation
import LiveMedia
import Logging
import Synchronization

/// One live video feed: a real-time test-pattern encoder and the CDN viewers subscribed to it.
///
/// The encoder runs on its own thread, paced by the wall clock (frame `n` is encoded at `start + n/fps`). Like
/// a real CDN edge, a new viewer first gets the FLV header, the sequence headers and the current GOP (so it can
/// start at a keyframe, in a burst), then live tags. ``stop()`` ends every viewer's response.
final class LiveBroadcast: Sendable {
    /// A run of FLV bytes with the media timestamps it covers.
    struct Chunk: Sendable {
        var bytes: [UInt8]
        var firstTimestamp: Int64?
        var lastTimestamp: Int64?
    }

    private struct State {
        var sequenceHeaders: [UInt8] = []
        var currentGOP: [Chunk] = []
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

    /// A new viewer's byte stream, starting with headers and the current GOP.
    func subscribe() -> AsyncStream<Chunk> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: Chunk.self, bufferingPolicy: .bufferingOldest(Self.viewerBacklogLimit)
        )
        let id: Int? = self.state.withLock { state in
            guard !state.ended else { return nil }
            continuation.yield(Chunk(bytes: state.sequenceHeaders))
            for chunk in state.currentGOP { continuation.yield(chunk) }
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

    private func encodeLoop(_ encoder: TestPatternEncoder, start: Double) throws {
        var frame: Int64 = 0
        while !self.stopSignal.isStopped {
            let due = start + Double(frame) / Double(encoder.framesPerSecond)
            let wait = due - Date().timeIntervalSince1970
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            let packets = try encoder.encodeNextFrame()
            frame += 1
            var isKeyframe = false
            var chunk = Chunk(bytes: [])
            // FLV timestamps are unsigned: drop the encoder's priming packets from before media time 0.
            for packet in packets where packet.dts >= 0 {
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
                chunk.bytes += FLVTagWriter.tag(kind: kind, timestamp: UInt32(truncatingIfNeeded: packet.dts), body: body)
                chunk.firstTimestamp = chunk.firstTimestamp ?? packet.dts
                chunk.lastTimestamp = packet.dts
            }
            guard !chunk.bytes.isEmpty else { continue }
            self.state.withLock { state in
                if isKeyframe { state.currentGOP.removeAll(keepingCapacity: true) }
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
