import Foundation

/// The scenario and configuration of the service test: 30 creators on the loop encoder, 10 of whom go live at
/// staggered times (one moves to a new room id, one pauses, one ends without an end message), a firewall burst,
/// `check_alive` answering "alive" for every room (as TikTok did in July 2026), and a request budget that blocks
/// the client for an hour when exceeded.
enum ServiceScenario {
    /// Requests a minute the recorder may send, and the simulator's budget before it blocks.
    static let requestsPerMinute = 600
    /// When the firewall burst starts and ends, seconds after the simulator started.
    static let wafFrom = 34.0
    static let wafUntil = 38.0
    /// The creators that go live, with their room ids.
    static let live = (1...10).map { String(format: "svc_creator_%02d", $0) }
    static let offline = (11...30).map { String(format: "svc_creator_%02d", $0) }
    /// Added by the reload; live from 50 s to 190 s.
    static let addedLater = "svc_late_comer"

    /// When each of ``live`` goes live, seconds into the timeline: all ten are live at once from 12 s.
    static let liveStarts = [2.0, 4, 6, 3, 5, 7, 9, 10, 11, 12]
    /// How long after going live a creator must be recording: four effective check intervals (30 creators at 80 %
    /// of 600 requests a minute: 3.75 s) with the confirmation and the stream's start, on a loaded machine.
    static let detectionAllowance = 15.0

    static func roomID(_ index: Int) -> String { "73000000000000\(String(format: "%05d", index))" }

    /// The scenario file's text.
    static var scenarioYAML: String {
        var text = "encoder: loop\ncreators:\n"
        func creator(_ index: Int, _ name: String, _ steps: [(at: Double, action: String)]) {
            text += """
                  - uniqueId: \(name)
                    nickname: Creator \(index)
                    userId: "69000000000000\(String(format: "%05d", index))"
                    roomId: "\(Self.roomID(index))"
                    width: 320
                    height: 180
                    timeline:

                """
            if steps.isEmpty { text += "      []\n" }
            for step in steps.enumerated().sorted(by: { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }) {
                text += "      - {at: \(step.element.at), \(step.element.action)}\n"
            }
        }
        for (offset, name) in Self.live.enumerated() {
            let index = offset + 1
            let start = Self.liveStarts[offset]
            var steps: [(at: Double, action: String)] = [
                (start, "live: "), (start + 0.5, "chat: {rate: 2, for: \(index == 1 ? 55 : 22), script: builtin}"),
            ]
            switch index {
            case 1:
                steps += [
                    (0, "webFault: {fault: budget, perMinute: \(Self.requestsPerMinute), blockFor: 3600}"),
                    (0, "webFault: {fault: phantomAlive, endpoints: checkAlive}"),
                    (Self.wafFrom, "webFault: {fault: waf, endpoints: users}"),
                    (Self.wafUntil, "webFault: {fault: clear, endpoints: users}"),
                ]
            case 3: steps.append((14, "roomIdChange: \"\(Self.roomID(300))\""))
            case 4: steps += [(8, "pause: "), (13, "resume: ")]
            default: break
            }
            // Lives last 24 s; the first goes on through the firewall burst, so a recording runs during the backoff.
            steps.append(index == 5 ? (start + 22, "end: none") : (index == 1 ? 60 : start + 24, "end: 3"))
            creator(index, name, steps)
        }
        for (offset, name) in Self.offline.enumerated() { creator(offset + 11, name, []) }
        creator(40, Self.addedLater, [(50, "live: "), (51, "chat: {rate: 2, for: 130, script: builtin}"), (190, "end: 3")])
        return text
    }

    /// The service's configuration text.
    static func configurationYAML(baseURL: String, output: String, creators: [String]) -> String {
        """
        output: \(output)
        tiktok:
          baseURL: \(baseURL)
          # Ten lives start within seconds: a sign server's per-minute limit would hold their feeds back.
          transport: signature-free
        watch:
          interval: 2s
          requestsPerMinute: \(Self.requestsPerMinute)
          returnWindow: 8s
          minimumFreeSpace: 10MB
        status:
          listen: 127.0.0.1:0
        defaults:
          filename: "{creator}_{title}_{date}_{time}_{roomid}"
        creators:
        \(creators.map { "  - \($0)" }.joined(separator: "\n"))

        """
    }
}
