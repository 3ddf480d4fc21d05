import Foundation
import Logging
import Testing
import TikTokSimulator

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The simulator's JSONL ground-truth log: what tests and benchmarks outside the process compare a recording with.
@Suite struct GroundTruthLogTests {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// One GET against the simulator: status and parsed JSON body (nil when the body is not JSON).
    static func get(_ url: String) async throws -> (status: Int, json: Any?, bytes: Int) {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.timeoutInterval = 30
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = try #require(response as? HTTPURLResponse).statusCode
        return (status, try? JSONSerialization.jsonObject(with: data), data.count)
    }

    /// Every string in a JSON value that is an FLV URL on the simulator's CDN.
    static func flvURLs(in json: Any?) -> [String] {
        switch json {
        case let text as String where text.hasPrefix("http") && text.contains("/game/stream-") && text.contains(".flv"): [text]
        case let object as [String: Any]: object.values.flatMap(flvURLs(in:))
        case let array as [Any]: array.flatMap(flvURLs(in:))
        default: []
        }
    }

    @Test func logsEveryEventRequestFaultAndStreamAsOneJSONObjectPerLine() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("truth-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let simulator = TikTokSimulator(scenario: .builtIn(liveAfter: .zero, liveDuration: .seconds(4)), logger: Self.quiet)
        try simulator.groundTruth.writeLog(toFile: path)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run(port: 0) { portContinuation.yield($0) } }
            var iterator = ports.makeAsyncIterator()
            let base = "http://127.0.0.1:\(try #require(await iterator.next()))"

            // Wait for the live, as a client polling the user lookup would.
            var roomID: String?
            for _ in 0..<40 {
                let lookup = try await Self.get("\(base)/api-live/user/room/?uniqueId=sim_creator&msToken=SECRET_TOKEN")
                let user = ((lookup.json as? [String: Any])?["data"] as? [String: Any])?["user"] as? [String: Any]
                if user?["status"] as? Int == 2 {
                    roomID = user?["roomId"] as? String
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let liveRoomID = try #require(roomID)
            #expect(try await Self.get("\(base)/api-live/user/room/?uniqueId=nobody_at_all").status == 200)
            #expect(try await Self.get("\(base)/no/such/endpoint").status == 404)
            simulator.webFaults.inject(.forbidden, on: [.giftList])
            #expect(try await Self.get("\(base)/webcast/gift/list/").status == 403)
            simulator.webFaults.clear()

            // Watch the stream until the live ends: the CDN closes the body then.
            let info = try await Self.get("\(base)/webcast/room/info/?room_id=\(liveRoomID)")
            let flv = try #require(Self.flvURLs(in: info.json).first)
            let stream = try await Self.get(flv)
            #expect(stream.status == 200 && stream.bytes > 0)
            group.cancelAll()
        }

        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n")
        let records = lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        #expect(records.count == lines.count, "every line is one JSON object")
        #expect(records.allSatisfy { ($0["t"] as? Int64).map { $0 > 1_600_000_000_000 } == true && $0["kind"] is String })
        #expect(!text.contains("SECRET_TOKEN"), "query secrets stay out of the log")
        func ofKind(_ kind: String) -> [[String: Any]] { records.filter { $0["kind"] as? String == kind } }

        // Every pushed event exactly once, with its msgId, type, createTime and media time.
        let pushed = simulator.groundTruth.pushedEvents
        let chat = pushed.filter { $0.type == "chat" }
        #expect(chat.count >= 2, "the 4 s live pushes chat")
        let logged = ofKind("event")
        #expect(logged.count == pushed.count)
        for event in pushed {
            let msgID = String(event.msgID)
            let matches = logged.filter { $0["msgId"] as? String == msgID }
            #expect(matches.count == 1, "msgId \(event.msgID) logged \(matches.count) times")
            #expect(matches.first?["type"] as? String == event.type)
            #expect(matches.first?["createTime"] as? Int64 == event.createTime)
            #expect((matches.first?["mediaTime"] as? Double).map { abs($0 - event.mediaTime) < 1e-6 } == true)
        }

        // Requests with their status; the refused one names its fault.
        let requests = ofKind("request")
        func answered(_ path: String, _ query: [String: String]? = nil) -> [[String: Any]] {
            requests.filter { $0["path"] as? String == path && (query == nil || $0["query"] as? [String: String] == query) }
        }
        let lookups = answered("/api-live/user/room/", ["uniqueId": "sim_creator"])
        #expect(!lookups.isEmpty && lookups.allSatisfy { $0["status"] as? Int == 200 && $0["method"] as? String == "GET" })
        #expect(answered("/api-live/user/room/", ["uniqueId": "nobody_at_all"]).map { $0["status"] as? Int } == [200])
        #expect(answered("/no/such/endpoint").map { $0["status"] as? Int } == [404])
        let refused = answered("/webcast/gift/list/")
        #expect(refused.map { $0["status"] as? Int } == [403])
        #expect(refused.first?["fault"] as? String == "web.403 /webcast/gift/list/")
        #expect(ofKind("fault").map { $0["name"] as? String } == ["web.403 /webcast/gift/list/"])
        #expect(requests.filter { ($0["path"] as? String)?.hasPrefix("/game/stream-") == true }.map { $0["status"] as? Int } == [200])

        // The stream served, from its first media tag to its last.
        let served = try #require(simulator.groundTruth.servedStreams.first)
        let start = try #require(ofKind("streamStart").first)
        let end = try #require(ofKind("streamEnd").first)
        #expect(ofKind("streamStart").count == 1 && ofKind("streamEnd").count == 1)
        #expect(start["roomId"] as? String == String(served.roomID) && end["roomId"] as? String == String(served.roomID))
        #expect(start["firstTimestamp"] as? Int64 == served.firstTimestamp)
        #expect(end["firstTimestamp"] as? Int64 == served.firstTimestamp && end["lastTimestamp"] as? Int64 == served.lastTimestamp)
        // The live lasts 4 s; on a loaded machine the download starts late, so ask only for a real stretch of media.
        #expect((served.lastTimestamp ?? 0) - (served.firstTimestamp ?? 0) >= 1000, "at least a second of media streamed")
    }
}
