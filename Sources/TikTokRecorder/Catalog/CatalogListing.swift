import Foundation

/// The text `tiktok-recorder list` prints: one line per session in aligned columns (start in UTC, creator,
/// duration, parts, size in MB, chat events, diamonds, and the end reason, "recording" while a part is being
/// recorded or "open" between parts), each followed by its files, indented and numbered by part.
public enum CatalogListing {
    /// The column titles, in order.
    static let headers = ["STARTED (UTC)", "CREATOR", "DURATION", "PARTS", "SIZE MB", "EVENTS", "DIAMONDS", "STATUS"]
    /// Which columns are right-aligned (the numbers).
    static let rightAligned: Set<Int> = [2, 3, 4, 5, 6]

    /// Renders `sessions` in the order given, each with the files of its `parts`. An open session's duration runs
    /// to `now` when given, else to the latest progress of its parts.
    public static func text(_ sessions: [SessionRecord], parts: [SessionID: [PartRecord]], now: Date? = nil) -> String {
        guard !sessions.isEmpty else { return "no sessions in the catalog\n" }
        let rows = sessions.map { self.columns(of: $0, parts: parts[$0.id] ?? [], now: now) }
        let widths = self.headers.indices.map { column in
            ([self.headers] + rows).map { $0[column].count }.max() ?? 0
        }
        var text = self.line(self.headers, widths: widths)
        for (session, row) in zip(sessions, rows) {
            text += self.line(row, widths: widths)
            for part in (parts[session.id] ?? []).sorted(by: { $0.index < $1.index }) {
                for file in part.files {
                    text += "    [\(part.index)] \(file)\n"
                }
            }
        }
        return text
    }

    static func columns(of session: SessionRecord, parts: [PartRecord], now: Date?) -> [String] {
        [
            self.utc(session.startedAt),
            session.creator,
            self.duration(self.end(of: session, parts: parts, now: now).timeIntervalSince(session.startedAt)),
            String(session.parts),
            String(format: "%.1f", Double(session.bytes) / 1_000_000),
            String(session.events),
            String(session.diamonds),
            self.status(of: session, parts: parts),
        ]
    }

    /// The end reason of a closed session; "recording" while a part is open; "open" between parts.
    static func status(of session: SessionRecord, parts: [PartRecord]) -> String {
        if !session.isOpen { return session.endReason ?? "closed" }
        return parts.contains(where: \.isOpen) ? "recording" : "open"
    }

    /// Where the duration of a session ends: its end; for an open one, `now`, else its parts' latest progress.
    static func end(of session: SessionRecord, parts: [PartRecord], now: Date?) -> Date {
        if let endedAt = session.endedAt { return endedAt }
        if let now { return now }
        let latest = parts.map { $0.endedAt ?? $0.startedAt.addingTimeInterval($0.mediaSeconds) }.max()
        return max(latest ?? session.startedAt, session.startedAt)
    }

    /// `H:MM:SS`, never negative.
    static func duration(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds.rounded(.down)))
        let minutesAndSeconds = String(format: "%02d:%02d", total / 60 % 60, total % 60)
        return "\(total / 3600):\(minutesAndSeconds)"
    }

    /// `yyyy-MM-dd HH:mm:ss` in UTC.
    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0, parts.second ?? 0
        )
    }

    static func line(_ cells: [String], widths: [Int]) -> String {
        let padded = cells.enumerated().map { column, cell in
            let padding = String(repeating: " ", count: max(0, widths[column] - cell.count))
            return self.rightAligned.contains(column) ? padding + cell : cell + padding
        }
        return padded.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
    }
}
