import Foundation

/// The video codec a creator's recording prefers (`codec:`); when the preferred one is not offered, any other is
/// recorded.
public enum CodecChoice: String, Sendable, Equatable, CaseIterable {
    /// No preference.
    case any
    /// Prefer H.264.
    case h264
    /// Prefer HEVC (H.265).
    case hevc
}

/// The per-creator recording options: `defaults:` applies them to every creator, and each creator may override any
/// of them.
public struct CreatorOptions: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// The sidecar event types (the `type` values of `.chat.jsonl`) a recording can write.
    public static let eventTypes: [String] = [
        "chat", "emoteChat", "gift", "like", "join", "follow", "share", "viewers", "question", "control", "room", "micBattle",
        "battle", "roomBanner", "intro", "pin", "subscription", "gameIntro", "envelope", "goal", "poll", "caption", "delete",
        "unknown",
    ]

    /// `best` (the highest quality offered) or the name of a quality TikTok lists (`origin`, `uhd`, `hd`, `sd`, `ld`, …).
    public var quality: String
    /// The preferred video codec.
    public var codec: CodecChoice
    /// The recording's folder inside the output folder.
    public var folder: FilenameTemplate
    /// The recording's file name, without extension.
    public var filename: FilenameTemplate
    /// Cut the recording into files of at most this many seconds, or `nil`.
    public var segmentDuration: TimeInterval?
    /// Cut the recording into files of at most this many bytes, or `nil`.
    public var segmentBytes: Int64?
    /// The proxy for this creator's requests and downloads (overriding `tiktok.proxy`), or `nil`. May carry
    /// credentials, which ``description`` hides.
    public var proxy: String?
    /// The event types written to the sidecars, or `nil` for all of them.
    public var events: Set<String>?
    /// Whether a plain (non-fragmented, faststart) MP4 is also written when a recording ends.
    public var plainMP4: Bool

    /// The built-in defaults: best quality, any codec, folder `{creator}`, file `{creator}_{date}_{time}_{roomid}`,
    /// no cuts, no proxy, every event, no plain MP4.
    public init() {
        self.quality = "best"
        self.codec = .any
        // Both templates are constant and valid.
        self.folder = try! FilenameTemplate(parsing: "{creator}")
        self.filename = try! FilenameTemplate(parsing: "{creator}_{date}_{time}_{roomid}")
        self.segmentDuration = nil
        self.segmentBytes = nil
        self.proxy = nil
        self.events = nil
        self.plainMP4 = false
    }

    /// Whether events of `type` are written to the sidecars.
    public func writesEvents(ofType type: String) -> Bool {
        self.events?.contains(type) ?? true
    }

    /// A one-line summary; proxy credentials show as `<redacted>`.
    public var description: String {
        var parts = ["quality \(self.quality)", "codec \(self.codec.rawValue)", "folder \(self.folder)", "filename \(self.filename)"]
        switch (self.segmentDuration, self.segmentBytes) {
        case (nil, nil): parts.append("no cuts")
        case (let duration, let bytes):
            let limits = [duration.map { "\(Int($0)) s" }, bytes.map { "\($0) bytes" }].compactMap { $0 }
            parts.append("cut at " + limits.joined(separator: " or "))
        }
        if let proxy { parts.append("proxy \(MessageText.redactingCredentials(proxy))") }
        parts.append(self.events.map { "events \($0.sorted().joined(separator: " "))" } ?? "all events")
        if self.plainMP4 { parts.append("plain MP4") }
        return parts.joined(separator: ", ")
    }

    /// The fields, with proxy credentials redacted (what `dump` shows).
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "quality": self.quality, "codec": self.codec, "folder": self.folder.text, "filename": self.filename.text,
                "segmentDuration": self.segmentDuration as Any, "segmentBytes": self.segmentBytes as Any,
                "proxy": self.proxy.map(MessageText.redactingCredentials) as Any, "events": self.events?.sorted() as Any,
                "plainMP4": self.plainMP4,
            ],
            displayStyle: .struct
        )
    }
}
