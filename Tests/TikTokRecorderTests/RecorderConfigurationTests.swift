import Foundation
import Testing

@testable import TikTokRecorder

@Suite struct RecorderConfigurationTests {
    typealias Support = ConfigurationTestSupport

    /// The example file shipped in `config/recorder.yaml`.
    static let examplePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "../../config/recorder.yaml"
    )
    .standardizedFileURL.path

    @Test func theShippedExampleDecodesWithTheDocumentedValues() throws {
        let configuration = try RecorderConfiguration.load(path: Self.examplePath, environment: [:])
        #expect(configuration.output == "recordings")
        #expect(configuration.tiktok == TikTokSettings(transport: .signer))
        #expect(configuration.watch == WatchSection())
        #expect(configuration.watch.interval == 60 && configuration.watch.returnWindow == 180)
        #expect(configuration.watch.minimumFreeBytes == 2_000_000_000)
        #expect(configuration.status.listen == ListenAddress(host: "127.0.0.1", port: 8090))
        let defaults = configuration.defaults
        #expect(defaults.quality == "best" && defaults.codec == .any && defaults.events == nil && !defaults.plainMP4)
        #expect(defaults.folder.text == "{creator}" && defaults.filename.text == "{creator}_{date}_{time}_{roomid}")
        #expect(defaults.segmentDuration == 3600 && defaults.segmentBytes == 4_000_000_000)
        #expect(configuration.creators.map(\.username) == ["creator_one", "creator_two", "creator_three", "creator_four", "creator_five"])
        #expect(configuration.creators.map(\.enabled) == [true, true, true, false, true])
        #expect(configuration.creators[0].options == defaults)
        #expect(configuration.creators[1].interval == 120 && configuration.creators[1].options.quality == "hd")
        let three = configuration.creators[2].options
        #expect(three.codec == .hevc && three.events == ["chat", "gift", "like"] && three.plainMP4 && three.segmentBytes == 4_000_000_000)
        let five = configuration.creators[4].options
        #expect(five.segmentDuration == 1800 && five.segmentBytes == nil && five.filename.text == "{creator}_{date}_{time}_{title}")
        #expect(configuration.warnings.isEmpty)
        #expect(configuration.origin(of: "watch.interval") == .file(path: Self.examplePath, line: 35))
    }

    @Test func aFileWithOnlyCreatorsGetsTheBuiltInDefaults() throws {
        let configuration = try Support.parse("creators: [someone]\n")
        #expect(configuration.output == "recordings")
        #expect(configuration.watch == WatchSection())
        #expect(configuration.status == StatusSection())
        #expect(configuration.creators == [CreatorEntry(username: "someone", options: CreatorOptions(), line: 1)])
        #expect(configuration.origin(of: "watch.interval") == .builtInDefault)
    }

    @Test func shorthandAndMappingCreatorsAreEquivalentAndTheAtSignIsDropped() throws {
        let configuration = try Support.parse(
            """
            creators:
              - "@first.one"
              - username: second_one
              - username: "@Third"
                enabled: false
            """)
        #expect(configuration.creators.map(\.username) == ["first.one", "second_one", "Third"])
        #expect(configuration.creators.map(\.line) == [2, 3, 4])
        #expect(configuration.enabledCreators.map(\.username) == ["first.one", "second_one"])
    }

    @Test func defaultsMergeIntoEveryCreatorAndEachCreatorOverridesOnlyWhatItSets() throws {
        let configuration = try Support.parse(
            """
            tiktok:
              proxy: http://proxy.example:3128
            defaults:
              quality: hd
              codec: h264
              segment: {duration: 1h, size: 4GB}
              events: [chat, gift]
            creators:
              - plain
              - username: custom
                codec: hevc
                segment: off
                proxy: socks5h://other.example:1080
                interval: 90
            """)
        let plain = configuration.creators[0]
        #expect(plain.options.quality == "hd" && plain.options.codec == .h264 && plain.options.events == ["chat", "gift"])
        #expect(plain.options.segmentDuration == 3600 && plain.options.segmentBytes == 4_000_000_000)
        #expect(configuration.interval(for: plain) == 60)
        #expect(configuration.proxy(for: plain) == "http://proxy.example:3128")
        let custom = configuration.creators[1]
        #expect(custom.options.quality == "hd" && custom.options.codec == .hevc && custom.options.events == ["chat", "gift"])
        #expect(custom.options.segmentDuration == nil && custom.options.segmentBytes == nil)
        #expect(configuration.interval(for: custom) == 90)
        #expect(configuration.proxy(for: custom) == "socks5h://other.example:1080")
        #expect(configuration.origin(of: "defaults.codec") == .file(path: Support.file, line: 5))
    }

    @Test func everySectionReadsItsValues() throws {
        let configuration = try Support.parse(
            """
            output: /srv/lives
            tiktok:
              baseURL: http://127.0.0.1:8080/
              signerURL: https://signer.example
              transport: signature-free
              userAgent: "Test Agent 1.0"
            watch:
              interval: 1m30s
              requestsPerMinute: 120
              returnWindow: 0
              maxConcurrentRecordings: 5
              minimumFreeSpace: 1.5GiB
              followingFeed: off
            status:
              listen: off
            creators: []
            """)
        #expect(configuration.output == "/srv/lives")
        #expect(configuration.tiktok.baseURL == "http://127.0.0.1:8080")
        #expect(configuration.tiktok.signerURL == "https://signer.example")
        #expect(configuration.tiktok.transport == .signatureFree && configuration.tiktok.userAgent == "Test Agent 1.0")
        #expect(
            configuration.watch
                == WatchSection(
                    interval: 90, requestsPerMinute: 120, returnWindow: 0, maxConcurrentRecordings: 5, minimumFreeBytes: 1_610_612_736,
                    followingFeed: .off))
        #expect(configuration.status.listen == nil)
        #expect(configuration.creators.isEmpty)
        #expect(configuration.warnings.contains { $0.contains("no enabled creators") })
    }

    @Test func listenAddressesIncludeIPv6AndPortOnly() throws {
        #expect(ListenAddress(parsing: "[::1]:9000") == ListenAddress(host: "::1", port: 9000))
        #expect(ListenAddress(parsing: ":9000") == ListenAddress(host: "127.0.0.1", port: 9000))
        #expect(ListenAddress(parsing: "0.0.0.0:8090")?.description == "0.0.0.0:8090")
        #expect(ListenAddress(host: "::1", port: 9000).description == "[::1]:9000")
        #expect(ListenAddress(parsing: "localhost") == nil)
        #expect(ListenAddress(parsing: "host:99999") == nil)
    }

    @Test func environmentOverridesWinOverTheFileAndRememberTheirVariable() throws {
        let environment = [
            "TIKTOK_RECORDER_OUTPUT": "/data/rec",
            "TIKTOK_RECORDER_TIKTOK_BASEURL": "http://127.0.0.1:9999",
            "TIKTOK_RECORDER_WATCH_INTERVAL": "5m",
            "TIKTOK_RECORDER_WATCH_REQUESTSPERMINUTE": "12",
            "TIKTOK_RECORDER_STATUS_LISTEN": "off",
        ]
        let yaml = "output: here\nwatch:\n  interval: 10s\nstatus:\n  listen: 127.0.0.1:1\ncreators: [someone]\n"
        let configuration = try Support.parse(yaml, environment: environment)
        #expect(configuration.output == "/data/rec")
        #expect(configuration.tiktok.baseURL == "http://127.0.0.1:9999")
        #expect(configuration.watch.interval == 300)
        #expect(configuration.watch.requestsPerMinute == 12)
        #expect(configuration.status.listen == nil)
        #expect(configuration.origin(of: "watch.interval") == .environment(variable: "TIKTOK_RECORDER_WATCH_INTERVAL"))
        #expect(configuration.error(at: "output", "cannot create it").description == "TIKTOK_RECORDER_OUTPUT: cannot create it")
        let fromFile = try Support.parse(yaml)
        #expect(fromFile.error(at: "output", "cannot create it").description == "test.yaml:1: cannot create it")
    }

    @Test func anInvalidOverrideNamesTheVariableWithoutALine() throws {
        let cases = [
            ("TIKTOK_RECORDER_WATCH_INTERVAL", "soon"), ("TIKTOK_RECORDER_WATCH_INTERVAL", "0"),
            ("TIKTOK_RECORDER_WATCH_REQUESTSPERMINUTE", "0"), ("TIKTOK_RECORDER_TIKTOK_BASEURL", "127.0.0.1"),
            ("TIKTOK_RECORDER_STATUS_LISTEN", "everywhere"),
        ]
        for (variable, value) in cases {
            let error = try #require(Support.error("creators: [someone]", environment: [variable: value]))
            #expect(error.file == variable && error.line == nil)
            #expect(error.description.hasPrefix("\(variable): overrides `"), "\(error)")
        }
    }

    @Test func aMissingFileSaysHowToStart() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try RecorderConfiguration.load(path: "/nonexistent/recorder.yaml", environment: [:])
        }
        #expect(error.description.hasPrefix("/nonexistent/recorder.yaml: cannot read: "))
        #expect(error.message.contains("copy config/recorder.yaml and edit it"))
    }

    @Test func aRequestBudgetTooSmallForTheListIsAWarning() throws {
        let names = (1...100).map { "creator_\($0)" }.joined(separator: ", ")
        let configuration = try Support.parse("watch: {interval: 30s, requestsPerMinute: 50}\ncreators: [\(names)]\n")
        #expect(configuration.warnings.count == 1)
        #expect(configuration.warnings[0].contains("about 200 checks a minute") && configuration.warnings[0].contains("4.0 times"))
    }
}
