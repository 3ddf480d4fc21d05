import Foundation
import HTTPTypes
import Hummingbird
import LiveMedia
import NIOCore

// The live HLS CDN (protocol.md §2): `/game/stream-<stream id><suffix>/playlist.m3u8` and its MPEG-TS segments,
// signed like the FLV URLs (403 once `expire` has passed), with the web faults of the `.cdn` endpoint.

extension TikTokSimulator {
    /// Serves the HLS URLs that ``renditionURLs(_:host:)`` advertises for renditions with `hasHLS`, each in the codec
    /// its label says (as the FLV route does): the playlist (packaging starts on its first request, which waits up
    /// to ``hlsFirstSegmentTimeout`` for the first segment) and the segments in its window (404 for any other).
    func addHLSRoutes(to router: Router<BasicRequestContext>) {
        let registry = HLSPackagerRegistry(logger: self.logger)
        router.get("/game/:stream/:file") { request, context -> Response in
            let (refusal, _) = self.applyWebFaults(.cdn, request)
            if let refusal { return refusal }
            let file = context.parameters.get("file") ?? ""
            guard let (room, rendition) = self.hlsRendition(context.parameters.get("stream") ?? "") else {
                return Response(status: .notFound)
            }
            let expire = Int64(request.uri.queryParameters.get("expire") ?? "") ?? 0
            guard expire > Int64(Date().timeIntervalSince1970) else { return Response(status: .forbidden) }
            let key = HLSPackagerRegistry.Key(streamID: room.streamID, codec: rendition.videoCodec)
            guard file == "playlist.m3u8" else {
                guard let sequence = HLSPackager.sequence(inSegmentName: file),
                    let bytes = registry.existingPackager(key)?.segment(sequence)
                else { return Response(status: .notFound) }
                return Response(
                    status: .ok, headers: [.contentType: "video/mp2t"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
                )
            }
            let broadcast = room.isOnAir ? try? await room.broadcast(codec: rendition.videoCodec, logger: self.logger) : nil
            guard let packager = registry.packager(key, broadcast: broadcast) else { return Response(status: .notFound) }
            // Timestamp jumps are a fault of the stream itself: HLS players see them too (as discontinuities).
            packager.broadcast.watchTimestampJumps(from: self.cdnFaults, groundTruth: self.groundTruth)
            try await packager.waitForFirstSegment(timeout: Self.hlsFirstSegmentTimeout)
            guard let playlist = packager.playlist(query: request.uri.query) else { return Response(status: .notFound) }
            return Response(
                status: .ok,
                headers: [.contentType: "application/vnd.apple.mpegurl", .cacheControl: "no-cache"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: playlist))
            )
        }
    }

    /// How long a first playlist request waits for the packager's first segment (one GOP, about 2 s).
    static let hlsFirstSegmentTimeout = Duration.seconds(8)

    /// The room and rendition whose HLS directory is `name` (`stream-<stream id><suffix>`, the suffix of a rendition
    /// with HLS in the room's ladder), or `nil`.
    func hlsRendition(_ name: String) -> (SimulatedRoom, Rendition)? {
        guard name.hasPrefix("stream-") else { return nil }
        let rest = name.dropFirst("stream-".count)
        let digits = rest.prefix(while: \.isNumber)
        guard let streamID = Int64(digits), let room = self.room(streamID: streamID),
            let rendition = Self.rendition(suffix: String(rest.dropFirst(digits.count)), in: room), rendition.hasHLS
        else { return nil }
        return (room, rendition)
    }
}
