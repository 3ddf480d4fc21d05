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

extension AACConfiguration {
    /// One AAC frame found in an ADTS stream: the configuration its header describes and the raw frame.
    struct ADTSFrame {
        /// The configuration (an AudioSpecificConfig built from the ADTS header).
        var configuration: AACConfiguration
        /// Where the raw AAC frame (without ADTS header and CRC) lies in the scanned bytes.
        var payload: Range<Int>
    }

    /// Whether `bytes` start with an ADTS sync word (`0xFFF`, layer 0).
    static func isADTS(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 7 && bytes[0] == 0xFF && bytes[1] & 0xF6 == 0xF0
    }

    /// Splits ADTS-framed AAC (as MPEG-TS and HLS carry it) into raw frames and their configurations (ISO/IEC
    /// 13818-7 §6.2, 14496-3 §1.A.2).
    /// - Throws: ``LiveMediaError/malformedFLV(offset:reason:)`` (offset within `bytes`) when a header is broken, a
    ///   frame length overruns the data, or a frame packs several raw data blocks (not supported).
    static func adtsFrames(in bytes: [UInt8]) throws(LiveMediaError) -> [ADTSFrame] {
        var frames: [ADTSFrame] = []
        var index = 0
        var cached: (header: UInt32, configuration: AACConfiguration)? = nil
        while index < bytes.count {
            guard bytes.count - index >= 7, bytes[index] == 0xFF, bytes[index + 1] & 0xF6 == 0xF0 else {
                throw .malformedFLV(offset: Int64(index), reason: "ADTS sync word missing")
            }
            let protectionAbsent = bytes[index + 1] & 0x01 == 1
            let headerLength = protectionAbsent ? 7 : 9
            let frameLength = Int(bytes[index + 3] & 0x03) << 11 | Int(bytes[index + 4]) << 3 | Int(bytes[index + 5] >> 5)
            guard frameLength > headerLength, index + frameLength <= bytes.count else {
                throw .malformedFLV(offset: Int64(index), reason: "ADTS frame length \(frameLength) is impossible here")
            }
            guard bytes[index + 6] & 0x03 == 0 else {
                throw .unsupportedCodec("ADTS frames holding several AAC raw data blocks")
            }
            // Profile, sampling frequency index and channel configuration: 2 + 4 + 1 + 3 bits across bytes 2-3.
            let key = UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 3] & 0xC0)
            let configuration: AACConfiguration
            if let cached, cached.header == key {
                configuration = cached.configuration
            } else {
                let objectType = (bytes[index + 2] >> 6) + 1
                let frequencyIndex = (bytes[index + 2] >> 2) & 0x0F
                let channels = (bytes[index + 2] & 0x01) << 2 | bytes[index + 3] >> 6
                let config: [UInt8] = [objectType << 3 | frequencyIndex >> 1, (frequencyIndex & 0x01) << 7 | channels << 3]
                configuration = try AACConfiguration(audioSpecificConfig: config)
                cached = (key, configuration)
            }
            frames.append(ADTSFrame(configuration: configuration, payload: (index + headerLength)..<(index + frameLength)))
            index += frameLength
        }
        return frames
    }
}
