import CurlTransport

/// Receives what a ``MediaInput`` reads, on the input's thread, in order.
public protocol MediaInputSink: AnyObject {
    /// One configuration, frame or discontinuity. Throwing stops the input, which rethrows the error.
    func receive(_ event: MediaInputEvent) throws
    /// `bytes` more bytes arrived from the source (for bitrate and progress).
    func received(bytes: Int)
}

/// A source of media (HTTP-FLV, an FLV file, live HLS, a TS or MP4 file), read on the calling thread.
///
/// `run` blocks: call it on a dedicated thread, never on the cooperative pool.
public protocol MediaInput {
    /// A description safe to log: no secrets, the URL's query redacted with `CurlError.redact`.
    var description: String { get }
    /// Reads until the source ends (returns), `stop` is raised (returns), or it fails (throws ``LiveMediaError``
    /// or `CurlError`; a stall is `CurlError` of kind `.stalled`).
    func run(stop: StopSignal, sink: any MediaInputSink) throws
}
