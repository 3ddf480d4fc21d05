import Testing

@testable import TikTokRecorder

@Suite struct ConfigurationErrorTests {
    typealias Support = ConfigurationTestSupport

    /// Expects `yaml` to be refused at `line` with a message containing every fragment.
    func expectError(_ yaml: String, line: Int?, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = Support.error(yaml) else {
            Issue.record("accepted: \(yaml)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.file == Support.file, sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        let prefix = line.map { "test.yaml:\($0): " } ?? "test.yaml: "
        #expect(error.description.hasPrefix(prefix), "\(error)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func unknownKeysNameTheAllowedOnes() {
        expectError("creators: []\nwacth:\n  interval: 5s\n", line: 2, "unknown key `wacth`", "allowed: output, tiktok, watch")
        expectError("watch:\n  intervall: 5s\ncreators: []\n", line: 2, "unknown key `intervall` in `watch`", "requestsPerMinute")
        expectError("tiktok:\n  base_url: http://x\ncreators: []\n", line: 2, "unknown key `base_url`", "baseURL")
        expectError("status:\n  port: 1\ncreators: []\n", line: 2, "allowed: listen")
        expectError("defaults:\n  segment: {length: 1h}\ncreators: []\n", line: 2, "unknown key `length`", "duration, size")
        expectError(
            "creators:\n  - someone\n  - username: other\n    qualty: hd\n", line: 4, "unknown key `qualty` in creator `other`", "quality")
    }

    @Test func wrongValuesNameTheKeyAndTheFix() {
        expectError("watch:\n  interval: soon\ncreators: []\n", line: 2, "`watch.interval` must be a duration", "90s")
        expectError("watch:\n  interval: 500ms\ncreators: []\n", line: 2, "`watch.interval` must be at least 1 s")
        expectError("watch:\n  requestsPerMinute: 0\ncreators: []\n", line: 2, "`watch.requestsPerMinute`", "1 to 10000")
        expectError("watch:\n  requestsPerMinute: 20000\ncreators: []\n", line: 2, "1 to 10000")
        expectError("watch:\n  returnWindow: -1\ncreators: []\n", line: 2, "`watch.returnWindow` must be at least 0 s")
        expectError("watch:\n  maxConcurrentRecordings: 0\ncreators: []\n", line: 2, "`watch.maxConcurrentRecordings`")
        expectError("watch:\n  minimumFreeSpace: lots\ncreators: []\n", line: 2, "`watch.minimumFreeSpace` must be a size", "GiB")
        expectError("watch:\n  followingFeed: maybe\ncreators: []\n", line: 2, "auto | on | off")
        expectError("watch: 5\ncreators: []\n", line: 1, "`watch` must be a mapping")
        expectError("tiktok:\n  transport: grpc\ncreators: []\n", line: 2, "signer | signature-free")
        expectError(
            "tiktok:\n  baseURL: ftp://x\ncreators: []\n", line: 2, "`tiktok.baseURL` must be a URL starting with http://, https://")
        expectError("tiktok:\n  proxy: proxy.example\ncreators: []\n", line: 2, "`tiktok.proxy`", "socks5h://")
        expectError("tiktok:\n  userAgent: [a, b]\ncreators: []\n", line: 2, "`tiktok.userAgent` must be a single value, not a list")
        expectError("status:\n  listen: nowhere\ncreators: []\n", line: 2, "`status.listen` must be host:port", "off")
        expectError("output: \"\"\ncreators: []\n", line: 1, "`output` must not be empty")
    }

    @Test func wrongCreatorOptionsNameTheKey() {
        expectError("defaults:\n  quality: 4k!\ncreators: []\n", line: 2, "`defaults.quality` must be best or a quality name")
        expectError("defaults:\n  codec: vp9\ncreators: []\n", line: 2, "`defaults.codec` must be any | h264 | hevc")
        expectError("defaults:\n  folder: \"{user}\"\ncreators: []\n", line: 2, "`defaults.folder`: unknown token {user}")
        expectError("defaults:\n  filename: \"a/{creator}\"\ncreators: []\n", line: 2, "`defaults.filename`", "not a path")
        expectError("defaults:\n  segment: {size: 10}\ncreators: []\n", line: 2, "`defaults.segment.size` must be at least 1000000 bytes")
        expectError("defaults:\n  segment: {duration: 0}\ncreators: []\n", line: 2, "`defaults.segment.duration` must be at least 1 s")
        expectError("defaults:\n  events:\n    - chat\n    - bogus\ncreators: []\n", line: 4, "lists `bogus`", "emoteChat")
        expectError("defaults:\n  events: chat\ncreators: []\n", line: 2, "must be all or a list")
        expectError("defaults:\n  plainMP4: maybe\ncreators: []\n", line: 2, "`defaults.plainMP4` must be true or false")
        expectError("creators:\n  - username: someone\n    interval: 0\n", line: 3, "`interval` of creator `someone` must be at least 1 s")
        expectError(
            "creators:\n  - username: someone\n    enabled: sometimes\n", line: 3, "`enabled` of creator `someone` must be true or false")
    }

    @Test func badUsernamesNameTheEntrysLine() {
        expectError("creators:\n  - fine\n  - ../../etc\n", line: 3, "`../../etc` is not a TikTok username", "2 to 24")
        expectError("creators:\n  - a\n", line: 2, "is not a TikTok username")
        expectError("creators:\n  - \(String(repeating: "x", count: 25))\n", line: 2, "is not a TikTok username")
        expectError("creators:\n  - \"bad name\"\n", line: 2, "`bad name` is not a TikTok username")
        expectError("creators:\n  - \"evil\\u202Egnp\"\n", line: 2, "`evil\\u{202E}gnp` is not a TikTok username")
        expectError("creators:\n  - fine\n  - username: \"x/y\"\n", line: 3, "`x/y` is not a TikTok username")
        expectError("creators:\n  - fine\n  - interval: 5s\n", line: 3, "this creator needs `username:`")
        expectError("creators:\n  - [a, b]\n", line: 2, "each creator is a username")
        expectError("creators: someone\n", line: 1, "`creators` must be a list")
    }

    @Test func duplicateUsernamesIgnoringCaseNameBothLines() {
        expectError(
            "creators:\n  - Someone\n  - other\n  - username: \"@someone\"\n", line: 4, "`someone` is listed twice (first on line 2)")
    }

    @Test func fileLevelProblemsAreLocated() {
        expectError("output: recordings\n", line: 1, "needs a `creators:` list")
        expectError("", line: nil, "the file is empty")
        expectError("creators:\n  - a_b\n  key: value\n", line: 3, "not valid YAML")
        expectError("creators: [a_b\n", line: 2, "not valid YAML")
        expectError("creators: []\nwatch: {}\nwatch: {}\n", line: 2, "`watch` appears more than once")
        expectError("- just\n- a list\n", line: 1, "the configuration file must be a mapping")
    }
}
