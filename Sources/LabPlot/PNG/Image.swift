/// An 8-bit image in memory: rows top to bottom, channels interleaved.
package struct Image: Equatable, Sendable {
    /// The channel layout of a pixel.
    package enum Format: Int, Sendable {
        case gray = 1
        case rgb = 3
        case rgba = 4
        package var channels: Int { rawValue }
    }

    package let width: Int
    package let height: Int
    package let format: Format
    /// width · height · channels bytes.
    package var pixels: [UInt8]

    package init(width: Int, height: Int, format: Format, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "image size \(width)×\(height) must be positive")
        precondition(
            pixels.count == width * height * format.channels,
            "\(width)×\(height) \(format) needs \(width * height * format.channels) bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// A blank image filled with one value in every channel.
    package init(width: Int, height: Int, format: Format, fill: UInt8 = 0) {
        self.init(
            width: width, height: height, format: format,
            pixels: Array(repeating: fill, count: width * height * format.channels))
    }

    /// The channels of the pixel at (x, y).
    package subscript(x: Int, y: Int) -> [UInt8] {
        let start = (y * width + x) * format.channels
        return Array(pixels[start..<(start + format.channels)])
    }

    /// A portable identity of a figure: the SHA-256 of its size, format and decoded pixels
    /// (the same on every platform, unlike the compressed bytes, which depend on zlib).
    package var pixelHash: String {
        var header = "\(width)x\(height)x\(format.channels)\n"
        var bytes = Array(header.utf8)
        header = ""
        bytes += pixels
        return SHA256.hexDigest(bytes)
    }
}
