/// An AAC AudioSpecificConfig and what it says.
public struct AACConfiguration: Sendable, Equatable {
    /// The AudioSpecificConfig bytes, as carried in FLV and MP4.
    public var audioSpecificConfig: [UInt8]
    /// Sample rate in Hz.
    public var sampleRate: Int
    /// Channel count (from the channel configuration).
    public var channels: Int

    private static let sampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]

    /// Parses an AudioSpecificConfig.
    /// - Throws: ``LiveMediaError/malformedFLV(offset:reason:)`` when it is too short or names no sample rate.
    public init(audioSpecificConfig: [UInt8]) throws(LiveMediaError) {
        var reader = BitReader(audioSpecificConfig)
        var objectType = try reader.bits(5)
        if objectType == 31 { objectType = 32 + (try reader.bits(6)) }
        let frequencyIndex = Int(try reader.bits(4))
        let sampleRate: Int
        if frequencyIndex == 15 {
            sampleRate = Int(try reader.bits(24))
        } else if frequencyIndex < Self.sampleRates.count {
            sampleRate = Self.sampleRates[frequencyIndex]
        } else {
            throw .malformedFLV(offset: 0, reason: "AAC config has reserved sample rate index \(frequencyIndex)")
        }
        let channelConfiguration = Int(try reader.bits(4))
        self.audioSpecificConfig = audioSpecificConfig
        self.sampleRate = sampleRate
        self.channels = channelConfiguration == 7 ? 8 : max(channelConfiguration, 1)
    }
}
