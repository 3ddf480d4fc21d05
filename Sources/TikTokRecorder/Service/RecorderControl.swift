/// What a status server may ask of the running service: a snapshot to show, and the operator's commands.
///
/// The core knows no HTTP server; `RecorderHTTP` serves this protocol. ``Watcher`` conforms.
public protocol RecorderControl: Sendable {
    /// What the service is doing now.
    func snapshot() async -> StatusSnapshot
    /// Checks `username` now, ahead of its turn (within the budget). False for a creator not watched.
    func checkNow(_ username: String) async -> Bool
    /// Stops `username`'s recording; its files are finished. False when nothing is being recorded for them.
    func stopRecording(_ username: String) async -> Bool
}

extension Watcher: RecorderControl {}
