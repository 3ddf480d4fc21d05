import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

// The live HLS CDN (protocol.md §2): `/game/stream-<stream id><suffix>/playlist.m3u8` and its MPEG-TS segments,
// signed like the FLV URLs (403 once `expire` has passed), with the web faults of the `.cdn` endpoint.

extension TikTokSimulator {
    /// Serves the HLS URLs that ``renditionURLs(_:host:)`` advertises for renditions with `hasHLS`: the playlist
    /// (started on its first request, waiting up to ``hlsFirstSegmentTimeout`` for the first segment) and the
    /// segments in its window (404 for any other).
    func addHLSRoutes(to router: Router<BasicRequestContext>) {
        let registry = HLSPackagerRegistry(logger: self.logger)
        router.get("/game/:stream/:file") { request, context -> Response in
            let (refusal, _) = self.applyWebFaults(.cdn, request)
            if let refusal { return refusal }
            let stream = context.parameters.get("stream") ?? ""
            let file = context.parameters.get("file") ?? ""
            guard let room = self.hlsRoom(stream) else { return Response(status: .notFound) }
            let expire = Int64(request.uri.queryParameters.get("expire") ?? "") ?? 0
            guard expire > Int64(Date().timeIntervalSince1970) else { return Response(status: .forbidden) }
            if file == "playlist.m3u8" {
                guard let packager = registry.packager(for: room) else { return Response(status: .notFound) }
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
            guard let sequence = HLSPackager.sequence(inSegmentName: file),
                let bytes = registry.existingPackager(streamID: room.streamID)?.segment(sequence)
            else { return Response(status: .notFound) }
            return Response(
                status: .ok, headers: [.contentType: "video/mp2t"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
            )
        }
    }

    /// How long a first playlist request waits for the packager's first segment (one GOP, about 2 s).
    static let hlsFirstSegmentTimeout = Duration.seconds(8)

    /// The room whose HLS stream directory is `name` (`stream-<stream id><suffix>`, the suffix of a rendition
    /// with HLS), or `nil`.
    func hlsRoom(_ name: String) -> SimulatedRoom? {
        guard name.hasPrefix("stream-") else { return nil }
        let rest = name.dropFirst("stream-".count)
        let digits = rest.prefix(while: \.isNumber)
        let suffix = String(rest.dropFirst(digits.count))
        guard Self.ladder.contains(where: { $0.hasHLS && $0.suffix == suffix }), let streamID = Int64(digits) else { return nil }
        return self.room(streamID: streamID)
    }
}
