/// What a media input (HTTP-FLV, an FLV file, HLS, a TS or MP4 file) delivers, in arrival order.
///
/// Inputs normalise what they read: video frames are length-prefixed NAL units (the MP4 form, never Annex B),
/// audio frames are raw AAC (never ADTS), timestamps are milliseconds on the source's own clock.
public enum MediaInputEvent: Sendable {
    /// A video decoder configuration (FLV sequence header, or parameter sets found in a TS stream).
    case videoConfiguration(VideoConfiguration)
    /// An AAC configuration (FLV sequence header, or built from an ADTS header).
    case audioConfiguration(AACConfiguration)
    /// A frame.
    case packet(MediaPacket)
    /// The source skipped or restarted here (an HLS discontinuity, a reconnect): timestamps may jump.
    case discontinuity(reason: String)
}
