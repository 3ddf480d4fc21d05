import Synchronization

/// Keeps sign-server requests under its limits by waiting, so the signer never has to refuse us.
///
/// On first use it asks the signer for its published limits (`/webcast/rate_limits`); when it publishes none it allows
/// the configured requests per minute. One limiter per signer URL and API key is shared by every client in the process,
/// since the signer counts per key and per IP, not per client.
/// ``acquire(using:)`` suspends (cancellably) until a slot in every window is free.
actor SignerRateLimiter {
    /// Requests allowed per window; `nil` means no limit for that window.
    struct Limits: Sendable, Equatable {
        var perMinute: Int?
        var perHour: Int?
    }

    private let fallbackPerMinute: Int
    private var limits: Limits?
    private var sent: [ContinuousClock.Instant] = []
    private let clock = ContinuousClock()

    private static let registry = Mutex<[String: SignerRateLimiter]>([:])

    /// The process-wide limiter for `configuration`'s signer and API key.
    static func shared(for configuration: TikTokLiveConfiguration) -> SignerRateLimiter {
        let key = configuration.signerBaseURL + "\u{0}" + (configuration.signerAPIKey ?? "")
        return Self.registry.withLock { registry in
            if let limiter = registry[key] { return limiter }
            let limiter = SignerRateLimiter(fallbackPerMinute: configuration.signerRequestsPerMinute)
            registry[key] = limiter
            return limiter
        }
    }

    /// Creates a limiter that allows `fallbackPerMinute` requests a minute until the signer says otherwise.
    init(fallbackPerMinute: Int) {
        self.fallbackPerMinute = max(1, fallbackPerMinute)
    }

    /// Creates a limiter with known limits (tests).
    init(limits: Limits) {
        self.fallbackPerMinute = limits.perMinute ?? 10
        self.limits = limits
    }

    /// The limits in force (after the first ``acquire(using:)``).
    var currentLimits: Limits? { self.limits }

    /// Waits until one more request fits in every window, then records it.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    func acquire(using signer: SignerClient) async throws {
        if self.limits == nil {
            let published = await signer.rateLimits()
            self.limits = published ?? Limits(perMinute: self.fallbackPerMinute, perHour: nil)
        }
        try await self.acquire()
    }

    /// Waits until one more request fits in every window, then records it.
    func acquire() async throws {
        while true {
            let now = self.clock.now
            self.sent.removeAll { now - $0 >= .seconds(3600) }
            let wait = self.waitNeeded(now: now)
            if wait <= .zero {
                self.sent.append(now)
                return
            }
            try await Task.sleep(for: wait)
        }
    }

    private func waitNeeded(now: ContinuousClock.Instant) -> Duration {
        let limits = self.limits ?? Limits(perMinute: self.fallbackPerMinute, perHour: nil)
        var wait = Duration.zero
        for (limit, window) in [(limits.perMinute, Duration.seconds(60)), (limits.perHour, Duration.seconds(3600))] {
            guard let limit, limit > 0 else { continue }
            let inWindow = self.sent.filter { now - $0 < window }
            if inWindow.count >= limit, let oldest = inWindow.dropLast(limit - 1).last {
                wait = max(wait, window - (now - oldest))
            }
        }
        return wait
    }
}
