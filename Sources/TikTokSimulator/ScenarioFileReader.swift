import LiveMedia
import Yams

/// Turns a composed scenario file into a ``SimulatorScenario``, checking every key and value.
struct ScenarioFileReader {
    let file: String

    func error(_ node: Node?, _ message: String) -> ScenarioFileError {
        ScenarioFileError(file: self.file, line: node?.mark?.line, message: message)
    }

    /// The keys of one mapping; each key is taken once, and ``finish()`` rejects the ones nobody took.
    struct Fields {
        let reader: ScenarioFileReader
        let node: Node
        let what: String
        private var pairs: [(key: String, keyNode: Node, value: Node)]

        init(_ node: Node, _ what: String, reader: ScenarioFileReader) throws {
            guard let mapping = node.mapping else { throw reader.error(node, "\(what) must be a mapping of keys to values") }
            self.reader = reader
            self.node = node
            self.what = what
            self.pairs = try mapping.map { pair in
                guard let key = pair.key.string else { throw reader.error(pair.key, "\(what) has a key that is not text") }
                return (key, pair.key, pair.value)
            }
        }

        var keys: [String] { self.pairs.map(\.key) }

        mutating func take(_ key: String) -> Node? {
            guard let index = self.pairs.firstIndex(where: { $0.key == key }) else { return nil }
            return self.pairs.remove(at: index).value
        }

        mutating func require(_ key: String) throws -> Node {
            guard let value = self.take(key) else { throw self.reader.error(self.node, "\(self.what) needs `\(key):`") }
            return value
        }

        func finish(allowed: [String]) throws {
            if let unknown = self.pairs.first {
                throw self.reader.error(
                    unknown.keyNode,
                    "unknown key `\(unknown.key)` in \(self.what); allowed: \(allowed.joined(separator: ", "))"
                )
            }
        }
    }

    // MARK: - Values

    func text(_ node: Node, _ what: String) throws -> String {
        guard let scalar = node.scalar else { throw self.error(node, "\(what) must be text") }
        return scalar.string
    }

    func number(_ node: Node, _ what: String) throws -> Double {
        guard let scalar = node.scalar, let value = Double(scalar.string), value.isFinite else {
            throw self.error(node, "\(what) must be a number, not `\(node.scalar?.string ?? "a list or mapping")`")
        }
        return value
    }

    func count(_ node: Node, _ what: String, minimum: Int = 0) throws -> Int {
        guard let scalar = node.scalar, let value = Int(scalar.string), value >= minimum else {
            throw self.error(node, "\(what) must be a whole number of at least \(minimum)")
        }
        return value
    }

    /// An id: a whole number, written as a string (as TikTok's, above 2^53) or plain.
    func id(_ node: Node, _ what: String) throws -> Int64 {
        guard let scalar = node.scalar, let value = Int64(scalar.string), value > 0 else {
            throw self.error(node, "\(what) must be a positive whole number (write ids as strings, e.g. \"7300000000000000001\")")
        }
        return value
    }

    func seconds(_ node: Node, _ what: String) throws -> Duration {
        let value = try self.number(node, what)
        guard value >= 0 else { throw self.error(node, "\(what) must not be negative") }
        return .milliseconds(Int((value * 1000).rounded()))
    }

    func flag(_ node: Node, _ what: String) throws -> Bool {
        switch node.scalar?.string.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default: throw self.error(node, "\(what) must be true or false")
        }
    }

    /// No value (`live:`) or an empty mapping (`live: {}`).
    func nothing(_ node: Node, _ what: String) throws {
        if let mapping = node.mapping, mapping.isEmpty { return }
        if let scalar = node.scalar, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" { return }
        throw self.error(node, "`\(what)` takes no value (write `\(what): {}`)")
    }

    // MARK: - Structure

    func scenario(_ root: Node) throws -> SimulatorScenario {
        var fields = try Fields(root, "the scenario", reader: self)
        let creatorsNode = try fields.require("creators")
        let encoderNode = fields.take("encoder")
        try fields.finish(allowed: ["creators", "encoder"])
        var encoder = SimulatorScenario.Encoder.live
        if let encoderNode {
            let name = try self.text(encoderNode, "encoder")
            guard let chosen = SimulatorScenario.Encoder(rawValue: name) else {
                throw self.error(encoderNode, "encoder must be live (a real-time encoder per live) or loop (one looped GOP), not `\(name)`")
            }
            encoder = chosen
        }
        guard let list = creatorsNode.sequence, !list.isEmpty else {
            throw self.error(creatorsNode, "`creators:` must be a list with at least one creator")
        }
        let creators = try list.map { try self.creator($0) }
        var seen: Set<String> = []
        for (creator, node) in zip(creators, list) where !seen.insert(creator.uniqueID).inserted {
            throw self.error(node, "creator `\(creator.uniqueID)` appears twice")
        }
        return SimulatorScenario(creators: creators, encoder: encoder)
    }

    func creator(_ node: Node) throws -> SimulatorScenario.Creator {
        var fields = try Fields(node, "a creator", reader: self)
        let uniqueID = try self.text(try fields.require("uniqueId"), "uniqueId")
        guard !uniqueID.isEmpty, !uniqueID.hasPrefix("@") else {
            throw self.error(node, "uniqueId must be the username without `@`")
        }
        let nickname = try fields.take("nickname").map { try self.text($0, "nickname") } ?? uniqueID
        let userID = try self.id(try fields.require("userId"), "userId")
        let roomID = try self.id(try fields.require("roomId"), "roomId")
        let video = try self.video(&fields)
        let qualities = try fields.take("qualities").map { try self.qualities($0) }
        let followed = try fields.take("followed").map { try self.flag($0, "followed") } ?? true
        let timelineNode = try fields.require("timeline")
        try fields.finish(allowed: [
            "uniqueId", "nickname", "userId", "roomId", "codec", "flv", "width", "height", "bitrate", "qualities", "followed",
            "timeline",
        ])
        guard let list = timelineNode.sequence else { throw self.error(timelineNode, "`timeline:` must be a list of steps") }
        var steps: [ScenarioStep] = []
        var isLive = false
        for stepNode in list {
            let step = try self.step(stepNode)
            if let previous = steps.last, step.at < previous.at {
                throw self.error(
                    stepNode, "step at \(step.at) comes before the previous step's time \(previous.at); times must not go back")
            }
            try self.checkLive(step.action, isLive: &isLive, uniqueID: uniqueID, at: stepNode)
            steps.append(step)
        }
        let firstLive = steps.first { $0.startsALive }?.at ?? .zero
        return SimulatorScenario.Creator(
            uniqueID: uniqueID, nickname: nickname, userID: userID, roomID: roomID, liveAfter: firstLive,
            liveDuration: (steps.last?.at ?? .zero) - firstLive, timeline: steps, video: video, qualities: qualities,
            followed: followed
        )
    }

    /// A creator's `qualities: [origin, hd, sd]`: the `sdk_key`s its room offers, at least one, each known.
    func qualities(_ node: Node) throws -> [String] {
        let known = TikTokSimulator.ladder.map(\.sdkKey)
        guard let list = node.sequence, !list.isEmpty else {
            throw self.error(node, "`qualities:` must be a list of sdk keys, some of \(known.joined(separator: ", "))")
        }
        return try list.map { item in
            let key = try self.text(item, "quality")
            guard known.contains(key) else {
                throw self.error(item, "unknown quality `\(key)`; the ladder has \(known.joined(separator: ", "))")
            }
            return key
        }
    }

    /// A creator's `codec: h264|hevc`, `flv: codecId12|enhanced`, `width`, `height` and `bitrate`, all optional.
    func video(_ fields: inout Fields) throws -> SimulatorScenario.Video {
        var video = SimulatorScenario.Video()
        if let node = fields.take("codec") {
            switch try self.text(node, "codec") {
            case "h264": video.codec = .h264
            case "hevc", "h265": video.codec = .hevc
            case let other: throw self.error(node, "codec must be h264 or hevc, not `\(other)`")
            }
        }
        if let node = fields.take("flv") {
            switch try self.text(node, "flv") {
            case "codecId12": video.hevcForm = .codecID12
            case "enhanced": video.hevcForm = .enhanced
            case let other:
                throw self.error(node, "flv must be codecId12 (HEVC as FLV codec id 12) or enhanced (Enhanced RTMP), not `\(other)`")
            }
        }
        let width = fields.take("width")
        let height = fields.take("height")
        (video.width, video.height) = try self.pictureSize(width, height, in: fields.node, default: (video.width, video.height))
        if let node = fields.take("bitrate") {
            video.bitrate = try self.count(node, "bitrate (bit/s)", minimum: 100_000)
        }
        return video
    }

    /// A picture size from `width` and `height` (both or neither): even, at least 320x180 or 180x320, at most 1920x1920.
    func pictureSize(_ width: Node?, _ height: Node?, in node: Node, default size: (Int, Int)) throws -> (Int, Int) {
        switch (width, height) {
        case (nil, nil):
            return size
        case (let widthNode?, let heightNode?):
            let width = try self.count(widthNode, "width (pixels)", minimum: 180)
            let height = try self.count(heightNode, "height (pixels)", minimum: 180)
            guard width % 2 == 0, height % 2 == 0, width <= 1920, height <= 1920, max(width, height) >= 320 else {
                throw self.error(
                    widthNode, "the picture size \(width)x\(height) must be even, at most 1920 and at least 320x180 (or 180x320)")
            }
            return (width, height)
        default:
            throw self.error(node, "give both `width:` and `height:`, or neither")
        }
    }

    /// Refuses a `live` while live, and an `end`, chat or event while not live (nobody could see it).
    func checkLive(_ action: ScenarioStep.Action, isLive: inout Bool, uniqueID: String, at node: Node) throws {
        switch action {
        case .live, .liveInRoom:
            guard !isLive else { throw self.error(node, "`\(uniqueID)` is already live here; `end` the live first") }
            isLive = true
        case .dropSockets, .webFault, .signerFaults, .rejectHandshakes, .cdnFault:
            break
        case .end:
            guard isLive else { throw self.error(node, "`\(uniqueID)` is not live here; a live starts with a `live` step") }
            isLive = false
        default:
            guard isLive else {
                throw self.error(node, "`\(uniqueID)` is not live here, so nobody would see this; put it after a `live` step")
            }
        }
    }

    static let actions = [
        "live", "pause", "resume", "end", "chat", "gifts", "likes", "joins", "follows", "shares", "viewers", "question", "battle",
        "pin", "unknown", "dropSockets", "webFault", "signerFault", "rejectHandshakes", "cdnFault", "roomIdChange", "resolution",
    ]

    func step(_ node: Node) throws -> ScenarioStep {
        var fields = try Fields(node, "a timeline step", reader: self)
        let at = try self.seconds(try fields.require("at"), "at (seconds from simulator start)")
        let named = fields.keys.filter { Self.actions.contains($0) }
        guard named.count == 1, let name = named.first, let value = fields.take(name) else {
            if named.isEmpty { try fields.finish(allowed: ["at"] + Self.actions) }
            throw self.error(node, "a step needs exactly one of: \(Self.actions.joined(separator: ", ")); this one has \(named.count)")
        }
        try fields.finish(allowed: ["at", name])
        let line = node.mark?.line ?? 0
        return ScenarioStep(at: at, try self.action(name, value), line: line)
    }
}
