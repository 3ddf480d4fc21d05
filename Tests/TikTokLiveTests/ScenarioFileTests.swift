import Foundation
import Testing
import TikTokSimulator

/// Scenario files: every shipped example reads, and a wrong file is refused with its file, line and problem.
@Suite struct ScenarioFileTests {
    /// The repository root, found from this file.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func files(in folder: String) throws -> [URL] {
        let directory = Self.root.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.path < $1.path }
    }

    @Test func everyShippedScenarioFileReads() throws {
        let examples = try Self.files(in: "config/scenarios")
        let testScenarios = try Self.files(in: "Tests/scenarios")
        #expect(examples.count >= 4)
        #expect(testScenarios.count >= 3)
        for file in examples + testScenarios {
            let scenario = try ScenarioFile.load(path: file.path)
            #expect(!scenario.creators.isEmpty, "\(file.lastPathComponent)")
            for creator in scenario.creators {
                let timeline = try #require(creator.timeline, "\(file.lastPathComponent)")
                #expect(timeline.contains { $0.action == .live }, "\(file.lastPathComponent): \(creator.uniqueID) never goes live")
                #expect(zip(timeline, timeline.dropFirst()).allSatisfy { $0.at <= $1.at })
            }
        }
    }

    @Test func theExamplesCoverEveryKindOfStep() throws {
        var kinds: Set<String> = []
        for file in try Self.files(in: "config/scenarios") {
            for creator in try ScenarioFile.load(path: file.path).creators {
                for step in creator.timeline ?? [] { kinds.insert(String(describing: step.action).prefix { $0 != "(" }.description) }
            }
        }
        let expected: Set<String> = [
            "live", "pause", "resume", "end", "chat", "gift", "likes", "joins", "follows", "shares", "viewers", "question", "battle",
            "pin", "unknown", "dropSockets", "webFault", "signerFaults", "rejectHandshakes", "cdnFault", "roomIDChange",
            "resolution", "liveInRoom",
        ]
        #expect(expected.subtracting(kinds).isEmpty, "no example uses \(expected.subtracting(kinds).sorted())")
    }

    @Test func idsAboveTwoToThe53rdKeepEveryDigit() throws {
        let scenario = try ScenarioFile.parse(
            """
            creators:
              - uniqueId: big_ids
                userId: "6900000000000000123"
                roomId: 7300000000000000457
                timeline:
                  - at: 0
                    live:
                  - at: 1.25
                    end: none
            """, file: "ids.yaml"
        )
        let creator = try #require(scenario.creators.first)
        #expect(creator.userID == 6_900_000_000_000_000_123)
        #expect(creator.roomID == 7_300_000_000_000_000_457)
        #expect(creator.nickname == "big_ids")
        #expect(
            creator.timeline == [
                ScenarioStep(at: .zero, .live, line: 6), ScenarioStep(at: .milliseconds(1250), .end(action: nil), line: 8),
            ])
    }

    @Test func cdnFaultStepsReadAsWrittenAndNameWhatIsMissing() throws {
        let scenario = try ScenarioFile.parse(
            """
            creators:
              - uniqueId: cdn
                userId: "1"
                roomId: "2"
                timeline:
                  - {at: 0, live: {}}
                  - {at: 1, cdnFault: {fault: stall, seconds: 2.5, after: 0.5, viewers: 2}}
                  - {at: 2, cdnFault: {fault: drop, after: 3}}
                  - {at: 3, cdnFault: {fault: timestampJump, ms: 5000}}
                  - {at: 4, cdnFault: {fault: duplicateGOP}}
                  - {at: 5, cdnFault: {fault: burst, seconds: 6}}
                  - {at: 6, cdnFault: {fault: latency, ms: 1500}}
                  - {at: 7, cdnFault: {fault: latency, ms: 0}}
            """,
            file: "cdn.yaml"
        )
        let timeline: [ScenarioStep] = try #require(scenario.creators.first?.timeline)
        let actions: [ScenarioStep.Action] = timeline.dropFirst().map { $0.action }
        let expected: [ScenarioStep.CDNFaultChange] = [
            .stall(viewers: 2, seconds: 2.5, after: 0.5), .drop(viewers: 1, after: 3), .timestampJump(milliseconds: 5000),
            .duplicateGOP(viewers: 1), .burst(viewers: 1, seconds: 6), .latency(milliseconds: 1500), .latency(milliseconds: nil),
        ]
        #expect(actions == expected.map { ScenarioStep.Action.cdnFault($0) })
        do {
            _ = try ScenarioFile.parse(
                "creators:\n  - {uniqueId: c, userId: '1', roomId: '2', timeline: [{at: 0, cdnFault: {fault: drop}}]}\n", file: "cdn.yaml"
            )
            Issue.record("a drop without `after` was accepted")
        } catch let error as ScenarioFileError {
            #expect(error.message.contains("needs `after`"), "\(error)")
        }
    }

    @Test func stepsReadAsWritten() throws {
        let scenario = try ScenarioFile.parse(
            """
            creators:
              - uniqueId: steps
                userId: "1"
                roomId: "2"
                timeline:
                  - {at: 0, live: {}}
                  - {at: 1, gifts: {count: 4, diamonds: 5, end: false, from: 2}}
                  - {at: 2, webFault: {fault: 429, retryAfter: 7, endpoints: [feed, rooms]}}
                  - {at: 3, webFault: {fault: budget, perMinute: 12, blockFor: 30}}
                  - {at: 4, signerFault: {fault: 429, times: 2, resetIn: 9}}
                  - {at: 5, chat: {rate: 2, for: 3, comments: [a, b]}}
                  - {at: 6, end: 3}
            """, file: "steps.yaml"
        )
        let actions = try #require(scenario.creators.first?.timeline).map(\.action)
        #expect(
            actions == [
                .live,
                .gift(.init(giftID: 5655, name: "Rose", type: 1, diamonds: 5, count: 4, sendsEnd: false, viewer: 2)),
                .webFault(.inject(.rateLimited(retryAfter: 7), endpoints: [.feed, .roomInfo, .roomInfoByUser])),
                .webFault(.budget(perMinute: 12, blockFor: .seconds(30))),
                .signerFaults([.rateLimited(resetInSeconds: 9), .rateLimited(resetInSeconds: 9)]),
                .chat(.init(rate: 2, duration: .seconds(3), comments: ["a", "b"])),
                .end(action: 3),
            ]
        )
    }

    @Test func videoSettingsTheEncoderAndResolutionStepsReadAsWritten() throws {
        let scenario = try ScenarioFile.parse(
            """
            encoder: loop
            creators:
              - uniqueId: video
                userId: "1"
                roomId: "2"
                codec: hevc
                flv: enhanced
                width: 1280
                height: 720
                bitrate: 800000
                timeline:
                  - {at: 0, live: {}}
                  - {at: 1, resolution: {width: 720, height: 1280, announce: inBandOnly}}
                  - {at: 2, resolution: {width: 1280, height: 720}}
                  - {at: 3, end: 3}
              - uniqueId: plain
                userId: "3"
                roomId: "4"
                timeline: [{at: 0, live: {}}]
            """, file: "video.yaml"
        )
        #expect(scenario.encoder == .loop)
        let video = try #require(scenario.creators.first?.video)
        #expect(String(describing: video.codec) == "hevc" && String(describing: video.hevcForm) == "enhanced")
        #expect(video.width == 1280 && video.height == 720 && video.bitrate == 800_000)
        let plain = try #require(scenario.creators.last?.video)
        #expect(String(describing: plain.codec) == "h264" && plain.width == 640 && plain.height == 360)
        let actions = try #require(scenario.creators.first?.timeline).map(\.action)
        #expect(
            actions == [
                .live, .resolution(.init(width: 720, height: 1280, announce: .inBandOnly)),
                .resolution(.init(width: 1280, height: 720, announce: .sequenceHeader)), .end(action: 3),
            ]
        )
        #expect(try ScenarioFile.parse("creators: [{uniqueId: a, userId: \"1\", roomId: \"2\", timeline: []}]", file: "a").encoder == .live)
    }

    @Test func laterLivesFollowedCreatorsAndPhantomLivesReadAsWritten() throws {
        let scenario = try ScenarioFile.parse(
            """
            creators:
              - uniqueId: returning
                userId: "1"
                roomId: "7300000000000000100"
                followed: false
                timeline:
                  - {at: 0, live: {}}
                  - {at: 1, pause: {}}
                  - {at: 2, resume: {}}
                  - {at: 3, end: 3}
                  - {at: 4, live: {roomId: "7300000000000000777"}}
                  - {at: 5, webFault: phantomAlive}
                  - {at: 6, webFault: {fault: clear, endpoints: checkAlive}}
              - uniqueId: followed_by_default
                userId: "2"
                roomId: "3"
                timeline: [{at: 1, live: {roomId: "9"}}]
            """, file: "lives.yaml"
        )
        let returning = try #require(scenario.creators.first)
        #expect(!returning.followed)
        #expect(scenario.creators.last?.followed == true)
        #expect(
            returning.timeline?.map(\.action) == [
                .live, .pause, .resume, .end(action: 3), .liveInRoom(roomID: 7_300_000_000_000_000_777),
                .webFault(.inject(.phantomAlive, endpoints: WebFaults.Endpoint.web)), .webFault(.clear(endpoints: [.checkAlive])),
            ])
        // A creator whose only live names its room still has a live, and it starts at its step's time.
        #expect(scenario.creators.last?.liveAfter == .seconds(1))
    }

    static let badFiles: [(yaml: String, line: Int?, mentions: String)] = [
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    colour: red\n    timeline: []\n", 5,
            "unknown key `colour`"
        ),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    timeline:\n      - at: 0\n        liv:\n", 7,
            "unknown key `liv`"
        ),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    timeline:\n      - {at: 5, live: {}}\n      - {at: 2, pin: {}}\n",
            7, "times must not go back"
        ),
        ("creators:\n  - uniqueId: a\n    userId: \"1\"\n    timeline: []\n", 2, "needs `roomId:`"),
        (
            "creators:\n  - uniqueId: a\n    userId: \"12e3\"\n    roomId: \"2\"\n    timeline: []\n", 3,
            "userId must be a positive whole number"
        ),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    timeline:\n      - {at: 1, webFault: teapot}\n", 6,
            "unknown webFault `teapot`"
        ),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    timeline:\n      - {at: 1, end: 5}\n", 6,
            "end action must be 3"
        ),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    timeline:\n      - {at: 1, live: {}, pin: {}}\n", 6,
            "exactly one of"
        ),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    timeline:\n      - {at: 1, likes: 3}\n", 6,
            "`a` is not live here"
        ),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    timeline:\n      - {at: 1, live: {}}\n      - {at: 2, live: {}}\n",
            7, "already live"
        ),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    codec: vp9\n    timeline: []\n", 5,
            "codec must be h264 or hevc"
        ),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    flv: codec12\n    timeline: []\n", 5,
            "flv must be codecId12"
        ),
        ("encoder: fast\ncreators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    timeline: []\n", 1, "encoder must be live"),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    timeline:\n      - {at: 0, live: {}}\n      - {at: 1, resolution: {width: 721, height: 1280}}\n",
            7, "must be even"
        ),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    timeline:\n      - {at: 0, live: {}}\n      - {at: 1, resolution: {width: 720}}\n",
            7, "give both `width:` and `height:`"
        ),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    timeline:\n      - {at: 0, live: {}}\n      - {at: 1, resolution: {width: 720, height: 1280, announce: loudly}}\n",
            7, "announce must be sequenceHeader or inBandOnly"
        ),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    timeline:\n      - {at: 1, resolution: {width: 720, height: 1280}}\n",
            6, "`a` is not live here"
        ),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    timeline:\n      - {at: 1, live: {room: \"5\"}}\n", 6,
            "unknown key `room` in live"
        ),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    timeline:\n      - {at: 1, live: {roomId: abc}}\n", 6,
            "live roomId must be a positive whole number"
        ),
        (
            "creators:\n  - uniqueId: a\n    userId: \"1\"\n    roomId: \"2\"\n    followed: maybe\n    timeline: []\n", 5,
            "followed must be true or false"
        ),
        ("creators: [\n", 2, "not valid YAML"),
        ("", nil, "empty"),
    ]

    @Test(arguments: Self.badFiles.indices)
    func aWrongFileIsRefusedNamingFileLineAndProblem(index: Int) {
        let bad = Self.badFiles[index]
        do {
            _ = try ScenarioFile.parse(bad.yaml, file: "bad.yaml")
            Issue.record("\(bad.mentions): accepted")
        } catch let error as ScenarioFileError {
            #expect(error.file == "bad.yaml")
            #expect(error.line == bad.line, "\(error)")
            #expect(error.message.contains(bad.mentions), "\(error)")
            #expect(error.description.hasPrefix(bad.line.map { "bad.yaml:\($0): " } ?? "bad.yaml: "))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aMissingFileIsNamed() {
        let error = #expect(throws: ScenarioFileError.self) { try ScenarioFile.load(path: "/nonexistent/scenario.yaml") }
        #expect(error?.description.hasPrefix("/nonexistent/scenario.yaml: cannot read the scenario file") == true)
    }
}
