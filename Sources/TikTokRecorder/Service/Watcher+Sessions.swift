import CurlTransport
import Foundation
import LiveMedia
import Logging
import TikTokLive

// Recording sessions: the gates a new recording must pass, its parts in the catalog, and what its end tells the
// creator's machine.

extension Watcher {
    /// Records `key`'s confirmed room as a new session or as the next part of `continuing`, until the live ends or
    /// the recording is stopped; then tells the machine.
    func record(_ key: String, roomID: String, continuing: SessionID?) async {
        guard let entry = self.entries[key], let username = self.machines[key]?.username else { return }
        guard let room = self.confirmedRooms.removeValue(forKey: key), !self.isShuttingDown else {
            await self.finishRecording(key, .failed(message: "the confirmed room was not kept; checking again"))
            return
        }
        if self.recordings.count >= self.configuration.watch.maxConcurrentRecordings {
            let limit = self.configuration.watch.maxConcurrentRecordings
            await self.finishRecording(
                key, .failed(message: "\(limit) recordings already run (watch.maxConcurrentRecordings); not recording"))
            return
        }
        if self.lowSpace {
            await self.finishRecording(
                key, .failed(message: "free space in \(self.configuration.output) is below watch.minimumFreeSpace; not recording")
            )
            return
        }
        let now = Date()
        let sessionID: SessionID
        let reason: String
        var partNumber = 1
        do {
            if let continuing {
                sessionID = continuing
                let parts = try await self.catalog.parts(session: continuing)
                partNumber = parts.count + 1
                if let last = parts.last {
                    reason =
                        last.endReason == "interrupted" || last.endReason == "shutdown"
                        ? "restart" : (last.roomID == room.id ? "return" : "roomChange")
                } else {
                    reason = "restart"
                }
            } else {
                sessionID = try await self.catalog.openSession(creator: username, roomID: room.id, title: room.title, at: now)
                reason = "start"
            }
        } catch {
            self.logger.error("catalog: the session could not be opened", metadata: ["creator": "\(key)", "error": "\(error)"])
            await self.finishRecording(key, .failed(message: "catalog: \(error)"))
            return
        }
        self.machines[key]?.recordingStarted(sessionID: sessionID, now: now)
        let options = entry.options
        let relativeBase = self.relativeBasePath(options: options, username: username, room: room, start: now, part: partNumber)
        let basePath = (self.configuration.output as NSString).appendingPathComponent(relativeBase)
        let plan = RecordingPlan(
            basePath: basePath, streamPolicy: self.streamPolicy(for: key),
            segmenting: SegmentPolicy(
                maximumDuration: options.segmentDuration.map { .milliseconds(Int($0 * 1000)) }, maximumBytes: options.segmentBytes
            ),
            eventTypes: options.events, plainMP4: options.plainMP4,
            currentRoom: { [weak self] in await self?.currentRoom(of: key) }
        )
        let part: PartRecord
        do {
            part = try await self.catalog.startPart(
                session: sessionID, roomID: room.id, reason: reason, files: Self.files(relativeBase), at: now
            )
        } catch {
            self.logger.error("catalog: the part could not be started", metadata: ["creator": "\(key)", "error": "\(error)"])
            await self.finishRecording(key, .failed(message: "catalog: \(error)"))
            return
        }
        self.recordings[key] = ActiveRecording(
            username: username, sessionID: sessionID, partID: part.id, part: part.index, roomID: room.id, title: room.title,
            relativeBasePath: relativeBase, startedAt: now, plan: plan
        )
        self.logger.notice(
            "recording",
            metadata: [
                "creator": "\(username)", "room.id": "\(room.id)", "session": "\(sessionID)", "part": "\(part.index)",
                "file": "\(relativeBase).mp4",
            ]
        )
        let recorder = CreatorRecorder(
            configuration: .init(
                tiktok: self.tiktokConfiguration(proxy: options.proxy ?? self.configuration.tiktok.proxy, gated: true),
                outputDirectory: self.configuration.output
            ),
            logger: self.logger
        )
        var summary: SessionSummary?
        var failure: String?
        do {
            summary = try await recorder.record(username: username, room: room, plan: plan)
        } catch {
            failure = "\(error)"
            self.logger.error("recording failed", metadata: ["creator": "\(username)", "error": "\(error)"])
        }
        guard let recording = self.recordings.removeValue(forKey: key) else { return }
        let endReason: String
        let outcome: CreatorMachine.RecordingOutcome
        if recording.stoppedByOperator {
            (endReason, outcome) = ("stopped", .stopped)
        } else if self.isShuttingDown {
            (endReason, outcome) = ("shutdown", .streamEnded)
        } else if let failure, summary == nil {
            (endReason, outcome) = ("failed", .failed(message: failure))
        } else {
            (endReason, outcome) = ("streamEnded", .streamEnded)
        }
        await self.finishPart(recording, summary: summary, endReason: endReason, error: failure ?? summary?.eventFeedError)
        if self.isShuttingDown {
            // The session stays open: the next start continues it if the creator is still live.
            return
        }
        await self.finishRecording(key, outcome)
    }

    /// The room `key` is live in now, by a budgeted lookup; a recording's room follows it (TikTok can move a live
    /// to a new room id while its video goes on). `nil` when offline, refused or unknown.
    func currentRoom(of key: String) async -> String? {
        guard let username = self.machines[key]?.username, await self.acquire(.userLookup) else { return nil }
        do {
            let user = try await self.detectionClient.userInfoFromAPI(username: username)
            self.budget.succeeded(now: Date())
            guard user.liveStatus == RoomStatus.live || user.liveStatus == RoomStatus.paused, let room = user.roomID, !room.isEmpty
            else { return nil }
            if let recording = self.recordings[key], recording.roomID != room {
                self.logger.notice(
                    "the live moved to a new room id; the recording goes on",
                    metadata: ["creator": "\(username)", "room.old": "\(recording.roomID)", "room.new": "\(room)"]
                )
                self.recordings[key]?.roomID = room
            }
            return room
        } catch {
            if let refusal = self.budgetRefusal(error) { self.noteRefusal(refusal) }
            return nil
        }
    }

    /// Feeds the end of a recording (or of an attempt that never started) to the machine.
    func finishRecording(_ key: String, _ outcome: CreatorMachine.RecordingOutcome) async {
        guard var machine = self.machines[key] else { return }
        let actions = machine.recordingFinished(outcome, now: Date())
        self.machines[key] = machine
        if case .failed(let message) = outcome {
            self.logger.warning("not recorded", metadata: ["creator": "\(key)", "reason": "\(message)"])
        }
        await self.perform(actions, for: key)
    }

    /// Writes the part's figures and files (every MP4 cut, the sidecars) to the catalog.
    func finishPart(_ recording: ActiveRecording, summary: SessionSummary?, endReason: String, error: String?) async {
        let statistics = summary?.media.statistics ?? recording.plan.monitor.progress.snapshot
        let output = self.configuration.output
        var files = self.partFiles(recording, statistics)
        for copy in summary?.plainCopies ?? [] { files.append(Self.relative(copy, to: output)) }
        let result = PartResult(
            endedAt: Date(), endReason: endReason, files: files, mediaSeconds: statistics.mediaDuration,
            bytes: statistics.bytesOut, events: summary?.eventCount ?? recording.plan.monitor.events,
            diamonds: summary?.diamonds ?? recording.plan.monitor.diamonds,
            chatGaps: summary?.chatGaps ?? recording.plan.monitor.chatGaps, error: error
        )
        do {
            try await self.catalog.finishPart(recording.partID, result)
        } catch {
            self.logger.error("catalog: the part could not be finished", metadata: ["part": "\(recording.partID)", "error": "\(error)"])
        }
        self.logger.notice(
            "recording finished",
            metadata: [
                "creator": "\(recording.username)", "session": "\(recording.sessionID)", "part": "\(recording.part)",
                "reason": "\(endReason)", "seconds": "\(Int(statistics.mediaDuration))", "bytes": "\(statistics.bytesOut)",
                "events": "\(result.events)",
            ]
        )
    }

    /// Every 30 s the catalog learns how far each recording got (so a crash leaves a close figure).
    func saveProgress() async {
        for recording in self.recordings.values {
            let statistics = recording.plan.monitor.progress.snapshot
            try? await self.catalog.updatePart(
                recording.partID, files: self.partFiles(recording, statistics), mediaSeconds: statistics.mediaDuration,
                bytes: statistics.bytesOut,
                events: recording.plan.monitor.events, diamonds: recording.plan.monitor.diamonds, at: Date()
            )
        }
    }

    /// The free-space gate, looked at every 5 s: below `minimumFreeSpace` no recording starts; below a quarter of
    /// it the recordings in progress are finished while their files can still be closed cleanly.
    func checkDisk(now: Date) {
        guard now >= self.nextDiskCheck else { return }
        self.nextDiskCheck = now.addingTimeInterval(5)
        let output = self.configuration.output
        try? FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let free = DiskSpace.freeBytes(at: output)
        self.diskFreeBytes = free
        guard let free else { return }
        let minimum = self.configuration.watch.minimumFreeBytes
        let wasLow = self.lowSpace
        self.lowSpace = free < minimum
        if self.lowSpace && !wasLow {
            self.logger.error(
                "free space is low: no new recording starts until there is more",
                metadata: ["folder": "\(output)", "free": "\(free)", "minimum": "\(minimum)"]
            )
        } else if wasLow && !self.lowSpace {
            self.logger.notice("free space is back: recordings may start again", metadata: ["folder": "\(output)"])
        }
        if Double(free) < Double(minimum) * Self.stopRecordingsBelowShare {
            for recording in self.recordings.values where !recording.plan.stop.isStopped {
                self.logger.error(
                    "the disk is almost full: finishing the recording while its files can still be closed",
                    metadata: ["creator": "\(recording.username)", "folder": "\(output)", "free": "\(free)"]
                )
                recording.plan.stop.stop()
            }
        }
    }

    /// `<folder>/<filename>` from the creator's templates, unique among existing files.
    func relativeBasePath(options: CreatorOptions, username: String, room: RoomInfo, start: Date, part: Int) -> String {
        let folder = options.folder.render(creator: username, start: start, roomID: room.id, title: room.title, part: part)
        let name = options.filename.render(creator: username, start: start, roomID: room.id, title: room.title, part: part)
        let base = (folder as NSString).appendingPathComponent(name)
        var candidate = base
        var suffix = 2
        let output = self.configuration.output as NSString
        while FileManager.default.fileExists(atPath: output.appendingPathComponent(candidate + ".mp4"))
            || FileManager.default.fileExists(atPath: output.appendingPathComponent(candidate + ".chat.jsonl"))
        {
            candidate = base + "_\(suffix)"
            suffix += 1
        }
        return candidate
    }

    /// A part's files so far, relative to the output folder: the first MP4 and the sidecars, then every later cut.
    func partFiles(_ recording: ActiveRecording, _ statistics: RecordingStatistics) -> [String] {
        var files = Self.files(recording.relativeBasePath)
        for segment in statistics.segments {
            let relative = Self.relative(segment.path, to: self.configuration.output)
            if !files.contains(relative) { files.append(relative) }
        }
        return files
    }

    /// The files one part starts with, relative to the output folder.
    static func files(_ relativeBase: String) -> [String] {
        [relativeBase + ".mp4", relativeBase + ".chat.jsonl", relativeBase + ".vtt", relativeBase + ".stats.json"]
    }

    static func relative(_ path: String, to root: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
