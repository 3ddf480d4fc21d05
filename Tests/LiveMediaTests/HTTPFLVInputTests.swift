import CurlTransport
import Foundation
import Testing

@testable import LiveMedia

@Suite struct HTTPFLVInputTests {
    static func request(_ server: LoopbackHTTPServer, stall: Duration = .seconds(15)) -> HTTPRequest {
        HTTPRequest(url: server.url, totalTimeout: nil, stallTimeout: stall)
    }

    @Test func aStreamedHEVCFLVArrivesWhole() throws {
        let video = try EncodedTestVideo(width: 320, height: 184, count: 20)
        let body = try FLVDemuxerTests.flv(video, form: .codecID12)
        let server = try LoopbackHTTPServer(body: body)
        defer { server.close() }
        let input = try MediaInputs.open(server.url)
        #expect(input is HTTPFLVInput)
        #expect(input.description.hasPrefix("HTTP-FLV http://127.0.0.1") && !input.description.contains("secret"))
        let sink = CollectingSink()
        try input.run(stop: StopSignal(), sink: sink)
        #expect(sink.videoPackets.count == 20)
        #expect(sink.videoConfigurations.map(\.summary) == ["hevc 320x184"])
        #expect(sink.bytes == body.count)
    }

    @Test func aSilentServerTripsTheStallWatchdog() throws {
        let video = try EncodedTestVideo(width: 320, height: 184, count: 20)
        let body = try FLVDemuxerTests.flv(video, form: .codecID12)
        let server = try LoopbackHTTPServer(body: body, stallAfter: body.count / 2)
        defer { server.close() }
        let sink = CollectingSink()
        let started = ContinuousClock.now
        do {
            try HTTPFLVInput(request: Self.request(server, stall: .seconds(1))).run(stop: StopSignal(), sink: sink)
            Issue.record("a silent server did not stall")
        } catch let error as CurlError {
            #expect(error.kind == .stalled)
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(sink.videoPackets.count > 0 && sink.videoPackets.count < 20)
    }

    @Test func stopEndsTheDownloadQuietly() throws {
        let video = try EncodedTestVideo(width: 320, height: 184, count: 20)
        let body = try FLVDemuxerTests.flv(video, form: .enhanced)
        let server = try LoopbackHTTPServer(body: body, stallAfter: body.count / 2)
        defer { server.close() }
        let stop = StopSignal()
        let sink = CollectingSink()
        sink.onEvent = { _ in if sink.videoPackets.count == 3 { stop.stop() } }
        try HTTPFLVInput(request: Self.request(server, stall: .seconds(30))).run(stop: stop, sink: sink)
        #expect(sink.videoPackets.count >= 3)
    }

    @Test func anHTTPErrorIsACurlErrorWithItsStatus() throws {
        let server = try LoopbackHTTPServer(status: 403, body: Array("expired".utf8))
        defer { server.close() }
        do {
            try HTTPFLVInput(request: Self.request(server)).run(stop: StopSignal(), sink: CollectingSink())
            Issue.record("a 403 was accepted")
        } catch let error as CurlError {
            #expect(error.kind == .httpStatus(403))
        }
    }

    @Test func anHTMLAnswerIsNotFLV() throws {
        let server = try LoopbackHTTPServer(body: Array("<html><body>blocked</body></html>".utf8))
        defer { server.close() }
        #expect(throws: LiveMediaError.malformedFLV(offset: 0, reason: "missing 'FLV' signature (is this an FLV stream?)")) {
            try HTTPFLVInput(request: Self.request(server)).run(stop: StopSignal(), sink: CollectingSink())
        }
    }
}
