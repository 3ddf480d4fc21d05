import Foundation
import Logging
import TikTokLive

// What the configuration means for the watcher, and reloads.

extension Watcher {
    /// The machine settings of one configured creator.
    static func watchSettings(_ entry: CreatorEntry, _ configuration: RecorderConfiguration) -> WatchSettings {
        let interval = entry.interval ?? configuration.watch.interval
        return WatchSettings(
            interval: interval, enabled: entry.enabled, returnWindow: configuration.watch.returnWindow,
            waitingInterval: min(interval, 15)
        )
    }

    /// The stream the creator's options ask for.
    func streamPolicy(for key: String) -> StreamPolicy {
        guard let options = self.entries[key]?.options else { return .best }
        let codec: StreamVariant.Codec? =
            switch options.codec {
            case .any: nil
            case .h264: .h264
            case .hevc: .hevc
            }
        let quality: StreamPolicy.Quality = options.quality.lowercased() == "best" ? .best : .named(options.quality)
        return StreamPolicy(quality: quality, preferredCodec: codec)
    }

    /// The TikTokLive configuration for a request path: the configured endpoints and secrets, `proxy`, and (for
    /// `gated`) this watcher's request budget in front of every web request.
    func tiktokConfiguration(proxy: String?, gated: Bool) -> TikTokLiveConfiguration {
        let tiktok = self.configuration.tiktok
        var result = tiktok.baseURL.map(TikTokLiveConfiguration.simulator(baseURL:)) ?? TikTokLiveConfiguration()
        if let signer = tiktok.signerURL { result.signerBaseURL = signer }
        if let userAgent = tiktok.userAgent { result.userAgent = userAgent }
        result.eventTransport = tiktok.transport == .signatureFree ? .signatureFree : .signer
        result.proxy = proxy
        result.signerAPIKey = self.configuration.secrets.signerAPIKey
        result.sessionID = self.configuration.secrets.sessionID
        if let idc = self.configuration.secrets.targetIDC { result.targetIDC = idc }
        if gated { result.requestGate = self }
        return result
    }

    /// Applies a reloaded configuration: added creators are watched at once, removed ones leave once the live they
    /// are recording ends, changed ones take effect at their next check (and their recording options at their next
    /// live). The budget changes at once.
    public func apply(_ new: RecorderConfiguration) {
        let now = Date()
        let old = self.configuration
        self.configuration = new
        self.configurationLoadedAt = now
        self.reloadError = nil
        if new.watch.requestsPerMinute != old.watch.requestsPerMinute {
            self.budget.setRequestsPerMinute(new.watch.requestsPerMinute, now: now)
        }
        var seen = Set<String>()
        var added: [String] = []
        for entry in new.creators {
            let key = entry.username.lowercased()
            seen.insert(key)
            self.entries[key] = entry
            let settings = Self.watchSettings(entry, new)
            if var machine = self.machines[key], !machine.removed {
                if machine.settings != settings {
                    let actions = machine.settingsChanged(settings, now: now)
                    self.machines[key] = machine
                    if !actions.isEmpty { self.pendingActions.append((key, actions)) }
                }
            } else {
                self.machines[key] = CreatorMachine(username: entry.username, settings: settings, now: now)
                if !self.order.contains(key) { self.order.append(key) }
                added.append(entry.username)
            }
        }
        var removed: [String] = []
        for key in self.order where !seen.contains(key) {
            guard var machine = self.machines[key], !machine.removed else { continue }
            let actions = machine.remove(now: now)
            self.machines[key] = machine
            if !actions.isEmpty { self.pendingActions.append((key, actions)) }
            removed.append(machine.username)
        }
        // Keep the configuration's order for the status page; removed creators stay at the end until they leave.
        self.order = new.creators.map { $0.username.lowercased() } + self.order.filter { !seen.contains($0) }
        self.logger.notice(
            "configuration reloaded",
            metadata: ["added": "\(added.joined(separator: ","))", "removed": "\(removed.joined(separator: ","))"]
        )
        self.wakeup.poke()
    }

    /// A reload that failed: the running configuration stays, and the status says why.
    public func rejectReload(_ reason: String) {
        self.reloadError = reason
        self.logger.error("configuration not reloaded; the running one stays", metadata: ["reason": "\(reason)"])
    }
}
