import ChatTimeline
import Foundation
import Logging
import TikTokLive

/// A room's event feed for as long as the recording runs: written to the sidecar, re-opened when it fails.
///
/// Each failure opens a stretch without chat, written as a `chatGap` record when the feed comes back (or at the end
/// when it never does), and counted in the ``RecordingMonitor``. The first failure of the sign server (refused or
/// rate-limited) switches to the signature-free transport for the rest of the recording. Retries wait 2 s, doubling
/// up to 30 s. Cancellation (the recording's end) stops it.
struct ChatFeed: Sendable {
    let configuration: TikTokLiveConfiguration
    let roomID: String
    let currentRoom: (@Sendable () async -> String?)?
    let logger: Logger
    let sidecar: SidecarBox
    let monitor: RecordingMonitor

    /// Runs the feed until the task is cancelled, or until the feed ends normally after `onEvent` returned true
    /// (TikTok's end message was seen).
    /// - Parameter onEvent: sees every event (also those not written); returns whether the live has ended.
    /// - Returns: the last feed error, or `nil` when the feed never failed.
    func run(onEvent: @Sendable (LiveEvent) -> Bool) async -> String? {
        var configuration = self.configuration
        var lastError: String?
        var gap: (start: Int64, reason: String)?
        var failures = 0
        var ended = false
        var roomID = self.roomID
        while !Task.isCancelled && !ended {
            let client = TikTokLiveClient(configuration: configuration, logger: self.logger)
            do {
                try await client.withLiveEvents(roomID: roomID) { events in
                    for try await event in events {
                        let now = Self.nowMilliseconds
                        if let open = gap {
                            try self.closeGap(open, at: now)
                            gap = nil
                        }
                        failures = 0
                        try self.sidecar.writer.append(event, receivedAt: now)
                        self.monitor.update(events: self.sidecar.writer.eventCount, diamonds: self.sidecar.writer.diamonds)
                        if onEvent(event) { ended = true }
                    }
                }
                // The feed ended by itself: after the end message that is the end; otherwise the room's sockets closed
                // while the video may go on, so it is opened again.
                if ended || Task.isCancelled { break }
                lastError = "the event feed closed before the live ended"
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled { break }
                lastError = "\(error)"
                if configuration.eventTransport == .signer, Self.signerGaveUp(error) {
                    configuration.eventTransport = .signatureFree
                    self.logger.warning(
                        "the sign server refused; the event feed switches to the signature-free transport",
                        metadata: ["error": "\(error)"]
                    )
                }
            }
            if gap == nil {
                gap = (Self.nowMilliseconds, lastError ?? "the event feed closed")
                self.monitor.chatWentDown()
                self.logger.warning("no chat until the event feed is back", metadata: ["error": "\(lastError ?? "")"])
            }
            failures += 1
            // A live re-created under a new room id keeps its video; its chat is in the new room.
            if let current = await self.currentRoom?(), current != roomID {
                self.logger.notice("the live moved to a new room; the chat follows", metadata: ["room.new": "\(current)"])
                roomID = current
                continue
            }
            let delay = min(30.0, 2.0 * pow(2.0, Double(min(failures - 1, 5))))
            do {
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            } catch {
                break
            }
        }
        if let open = gap { try? self.closeGap(open, at: nil) }
        return lastError
    }

    private func closeGap(_ gap: (start: Int64, reason: String), at end: Int64?) throws {
        try self.sidecar.writer.appendChatGap(from: gap.start, to: end, reason: gap.reason)
        self.monitor.chatCameBack()
    }

    /// Whether the sign server refused for good or for now (rate limit): the signature-free transport needs no signer.
    static func signerGaveUp(_ error: any Error) -> Bool {
        guard let error = error as? TikTokLiveError else { return false }
        switch error {
        case .signerRefused, .signerRateLimited, .signerFailed, .signerResponseIncomplete: return true
        default: return false
        }
    }

    static var nowMilliseconds: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
