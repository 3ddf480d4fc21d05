import Yams

extension ScenarioFileReader {
    /// The action of a step called `name`, from its value.
    func action(_ name: String, _ value: Node) throws -> ScenarioStep.Action {
        switch name {
        case "live":
            guard let mapping = value.mapping, !mapping.isEmpty else {
                try self.nothing(value, name)
                return .live
            }
            var fields = try Fields(value, "live", reader: self)
            let roomIDNode = fields.take("roomId")
            try fields.finish(allowed: ["roomId"])
            guard let roomIDNode else { throw self.error(value, "live takes no value, or `{roomId: \"…\"}` to name its room") }
            return .liveInRoom(roomID: try self.id(roomIDNode, "live roomId"))
        case "pause", "resume", "pin":
            try self.nothing(value, name)
            return ["pause": .pause, "resume": .resume][name] ?? .pin
        case "end":
            return .end(action: try self.endAction(value))
        case "chat":
            return .chat(try self.chat(value))
        case "gifts":
            return .gift(try self.gift(value))
        case "likes":
            return .likes(count: Int64(try self.count(value, "likes", minimum: 1)))
        case "joins":
            return .joins(count: try self.count(value, "joins", minimum: 1))
        case "follows":
            return .follows(count: try self.count(value, "follows", minimum: 1))
        case "shares":
            return .shares(count: try self.count(value, "shares", minimum: 1))
        case "viewers":
            var fields = try Fields(value, "viewers", reader: self)
            let current = Int64(try self.count(try fields.require("current"), "viewers current"))
            let total = try fields.take("total").map { Int64(try self.count($0, "viewers total")) } ?? current
            try fields.finish(allowed: ["current", "total"])
            return .viewers(current: current, total: max(current, total))
        case "question":
            return .question(text: try self.text(value, "question"))
        case "battle":
            let phase = try self.text(value, "battle")
            guard let battle = ScenarioStep.BattlePhase(rawValue: phase) else {
                throw self.error(value, "battle must be start, scores or end, not `\(phase)`")
            }
            return .battle(battle)
        case "unknown":
            let method = value.scalar.map(\.string) ?? ""
            return .unknown(method: method.isEmpty || method == "~" ? EventScript.unknownMethod : method)
        case "dropSockets":
            if value.scalar?.string == "off" { return .dropSockets(afterFrames: nil) }
            return .dropSockets(afterFrames: try self.count(value, "dropSockets (frames per socket, or off)", minimum: 1))
        case "webFault":
            return .webFault(try self.webFault(value))
        case "rejectHandshakes":
            return .rejectHandshakes(try self.handshakeRejections(value))
        case "cdnFault":
            return .cdnFault(try self.cdnFault(value))
        case "roomIdChange":
            let text = try self.text(value, "roomIdChange (the new room id)")
            guard let roomID = Int64(text), roomID > 0 else {
                throw self.error(value, "roomIdChange must be a positive room id (write it as a string), not `\(text)`")
            }
            return .roomIDChange(roomID)
        case "resolution":
            var fields = try Fields(value, "resolution", reader: self)
            let size = try self.pictureSize(fields.take("width"), fields.take("height"), in: value, default: (0, 0))
            guard size != (0, 0) else { throw self.error(value, "resolution needs `width:` and `height:`") }
            let announceNode = fields.take("announce")
            try fields.finish(allowed: ["width", "height", "announce"])
            var announce = ScenarioStep.ResolutionChange.Announcement.sequenceHeader
            if let announceNode {
                let name = try self.text(announceNode, "resolution announce")
                guard let chosen = ScenarioStep.ResolutionChange.Announcement(rawValue: name) else {
                    throw self.error(announceNode, "resolution announce must be sequenceHeader or inBandOnly, not `\(name)`")
                }
                announce = chosen
            }
            return .resolution(.init(width: size.0, height: size.1, announce: announce))
        default:
            return .signerFaults(try self.signerFaults(value))
        }
    }

    private func endAction(_ value: Node) throws -> Int64? {
        var node = value
        if value.mapping != nil {
            var fields = try Fields(value, "end", reader: self)
            node = try fields.require("action")
            try fields.finish(allowed: ["action"])
        }
        switch node.scalar?.string {
        case "3": return 3
        case "4": return 4
        case "none": return nil
        default: throw self.error(node, "end action must be 3 (ended), 4 (ended by TikTok) or none (no end message)")
        }
    }

    private func chat(_ value: Node) throws -> ScenarioStep.ChatRun {
        var fields = try Fields(value, "chat", reader: self)
        let rate = try fields.take("rate").map { try self.number($0, "chat rate (messages per second)") } ?? 1
        guard rate > 0, rate <= 50 else { throw self.error(value, "chat rate must be above 0 and at most 50 per second") }
        let duration = try self.seconds(try fields.require("for"), "chat `for` (seconds)")
        let commentsNode = fields.take("comments")
        let scriptNode = fields.take("script")
        try fields.finish(allowed: ["rate", "for", "comments", "script"])
        switch (commentsNode, scriptNode) {
        case (let node?, nil):
            guard let list = node.sequence, !list.isEmpty else { throw self.error(node, "chat comments must be a non-empty list") }
            return .init(rate: rate, duration: duration, comments: try list.map { try self.text($0, "a chat comment") })
        case (nil, let node?):
            guard node.scalar?.string == "builtin" else { throw self.error(node, "chat script must be `builtin`") }
            return .init(rate: rate, duration: duration, comments: nil)
        default:
            throw self.error(value, "chat needs either `comments:` (a list) or `script: builtin`, not both or neither")
        }
    }

    private func gift(_ value: Node) throws -> ScenarioStep.GiftStreak {
        var fields = try Fields(value, "gifts", reader: self)
        let streak = ScenarioStep.GiftStreak(
            giftID: try fields.take("giftId").map { try self.id($0, "giftId") } ?? 5655,
            name: try fields.take("name").map { try self.text($0, "gift name") } ?? "Rose",
            type: Int64(try fields.take("type").map { try self.count($0, "gift type") } ?? 1),
            diamonds: Int64(try fields.take("diamonds").map { try self.count($0, "gift diamonds", minimum: 1) } ?? 1),
            count: Int64(try fields.take("count").map { try self.count($0, "gift count", minimum: 1) } ?? 1),
            sendsEnd: try fields.take("end").map { try self.flag($0, "gift end (send repeat_end)") } ?? true,
            viewer: try fields.take("from").map { try self.count($0, "gift from (viewer 0-3)") } ?? 0
        )
        try fields.finish(allowed: ["giftId", "name", "type", "diamonds", "count", "end", "from"])
        return streak
    }

    private static let endpointGroups: [String: Set<WebFaults.Endpoint>] = [
        "web": WebFaults.Endpoint.web, "all": Set(WebFaults.Endpoint.allCases), "rooms": WebFaults.Endpoint.rooms,
        "users": WebFaults.Endpoint.users, "userRoomAPI": [.userRoomAPI], "livePage": [.livePage], "checkAlive": [.checkAlive],
        "roomInfo": [.roomInfo], "roomInfoByUser": [.roomInfoByUser], "giftList": [.giftList], "coinPrices": [.coinPrices],
        "feed": [.feed], "cdn": [.cdn],
    ]

    /// `cdnFault: {fault: stall|drop|timestampJump|duplicateGOP|burst|latency, viewers, seconds, after, ms}`.
    private func cdnFault(_ value: Node) throws -> ScenarioStep.CDNFaultChange {
        var fields = try Fields(value, "cdnFault", reader: self)
        let name = try self.text(try fields.require("fault"), "cdnFault fault")
        let viewers = try fields.take("viewers").map { try self.count($0, "cdnFault viewers", minimum: 1) } ?? 1
        let seconds = try fields.take("seconds").map { try self.number($0, "cdnFault seconds") }
        let after = try fields.take("after").map { try self.number($0, "cdnFault after (seconds)") }
        let milliseconds = try fields.take("ms").map { try self.count($0, "cdnFault ms") }
        try fields.finish(allowed: ["fault", "viewers", "seconds", "after", "ms"])
        let node = value
        func required<T>(_ value: T?, _ key: String) throws -> T {
            guard let present = value else { throw self.error(node, "cdnFault \(name) needs `\(key)`") }
            return present
        }
        switch name {
        case "stall": return .stall(viewers: viewers, seconds: try required(seconds, "seconds"), after: after ?? 1)
        case "drop": return .drop(viewers: viewers, after: try required(after, "after"))
        case "timestampJump": return .timestampJump(milliseconds: try required(milliseconds, "ms"))
        case "duplicateGOP": return .duplicateGOP(viewers: viewers)
        case "burst": return .burst(viewers: viewers, seconds: try required(seconds, "seconds"))
        case "latency": return .latency(milliseconds: milliseconds.flatMap { $0 == 0 ? nil : $0 })
        default:
            throw self.error(value, "cdnFault must be stall, drop, timestampJump, duplicateGOP, burst or latency, not `\(name)`")
        }
    }

    private func webFault(_ value: Node) throws -> ScenarioStep.WebFaultChange {
        var fields: Fields?
        let nameNode: Node
        if value.mapping != nil {
            var mapping = try Fields(value, "webFault", reader: self)
            nameNode = try mapping.require("fault")
            fields = mapping
        } else {
            nameNode = value
        }
        let name = try self.text(nameNode, "webFault")
        var endpoints = WebFaults.Endpoint.web
        if let node = fields?.take("endpoints") {
            let names = try (node.sequence.map(Array.init) ?? [node]).map { try self.text($0, "an endpoint") }
            endpoints = try names.reduce(into: []) { result, endpoint in
                guard let group = Self.endpointGroups[endpoint] else {
                    throw self.error(
                        node, "unknown endpoint `\(endpoint)`; use \(Self.endpointGroups.keys.sorted().joined(separator: ", "))")
                }
                result.formUnion(group)
            }
        }
        let retryAfter = try fields?.take("retryAfter").map { try self.count($0, "retryAfter (seconds)") } ?? 60
        let code = try fields?.take("code").map { try self.count($0, "code") } ?? 4_003_110
        let perMinuteNode = fields?.take("perMinute")
        let blockFor = try fields?.take("blockFor").map { try self.seconds($0, "blockFor (seconds)") } ?? .seconds(3600)
        try fields?.finish(allowed: ["fault", "endpoints", "retryAfter", "code", "perMinute", "blockFor"])
        let fault: WebFaults.Fault
        switch name {
        case "waf": fault = .wafChallenge
        case "captcha": fault = .captcha
        case "403": fault = .forbidden
        case "429": fault = .rateLimited(retryAfter: retryAfter)
        case "302": fault = .countryBlocked
        case "ageRestricted": fault = .ageRestricted(code: code)
        case "followersOnly": fault = .followersOnly
        case "private": fault = .privateAccount
        case "userNotFound": fault = .userNotFound
        case "phantomAlive": fault = .phantomAlive
        case "clear": return .clear(endpoints: endpoints)
        case "budget":
            guard let perMinuteNode else { throw self.error(value, "webFault budget needs `perMinute:` (a number, or off)") }
            if perMinuteNode.scalar?.string == "off" { return .budget(perMinute: nil, blockFor: blockFor) }
            return .budget(perMinute: try self.count(perMinuteNode, "perMinute (requests, or off)", minimum: 1), blockFor: blockFor)
        default:
            throw self.error(
                nameNode,
                "unknown webFault `\(name)`; use waf, captcha, 403, 429, 302, ageRestricted, followersOnly, private, userNotFound, phantomAlive, budget or clear"
            )
        }
        return .inject(fault, endpoints: endpoints)
    }

    private func signerFaults(_ value: Node) throws -> [TransportFaults.SignerFault] {
        var fields: Fields?
        let nameNode: Node
        if value.mapping != nil {
            var mapping = try Fields(value, "signerFault", reader: self)
            nameNode = try mapping.require("fault")
            fields = mapping
        } else {
            nameNode = value
        }
        let name = try self.text(nameNode, "signerFault")
        let times = try fields?.take("times").map { try self.count($0, "signerFault times", minimum: 1) } ?? 1
        let resetIn = try fields?.take("resetIn").map { try self.count($0, "signerFault resetIn (seconds)") } ?? 60
        try fields?.finish(allowed: ["fault", "times", "resetIn"])
        let faults: [String: TransportFaults.SignerFault] = [
            "401": .unauthorized, "402": .paymentRequired, "403": .forbidden, "429": .rateLimited(resetInSeconds: resetIn),
            "500": .serverError, "emptyBody": .emptyBody, "missingCursor": .missingCursor,
        ]
        guard let fault = faults[name] else {
            throw self.error(nameNode, "unknown signerFault `\(name)`; use 401, 402, 403, 429, 500, emptyBody or missingCursor")
        }
        return Array(repeating: fault, count: times)
    }

    /// `rejectHandshakes: N` (N × `415 DEVICE_BLOCKED`) or `{times, status, message}`.
    private func handshakeRejections(_ value: Node) throws -> [TransportFaults.HandshakeRejection] {
        guard value.mapping != nil else {
            let times = try self.count(value, "rejectHandshakes (how many upgrades to refuse)", minimum: 1)
            return Array(repeating: .deviceBlocked, count: times)
        }
        var fields = try Fields(value, "rejectHandshakes", reader: self)
        let times = try fields.take("times").map { try self.count($0, "rejectHandshakes times", minimum: 1) } ?? 1
        let status = try fields.take("status").map { try self.text($0, "rejectHandshakes status") } ?? "415"
        let message = try fields.take("message").map { try self.text($0, "rejectHandshakes message") } ?? "DEVICE_BLOCKED"
        try fields.finish(allowed: ["times", "status", "message"])
        return Array(repeating: .init(status: status, message: message), count: times)
    }
}
