import CPNG
import Foundation

/// What can go wrong reading or writing a PNG — always a Swift error, never a crash.
package enum PNGError: Error, CustomStringConvertible, Equatable {
    case libpng(path: String, message: String)
    case cannotCreateFolder(path: String, reason: String)
    case cannotWrite(path: String, reason: String)

    package var description: String {
        switch self {
        case let .libpng(path, message): return "PNG error for \(path): \(message)"
        case let .cannotCreateFolder(path, reason): return "cannot create the output folder \(path): \(reason)"
        case let .cannotWrite(path, reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// Reads and writes PNG files with the system libpng's simplified API, which reports errors
/// through return values (`image.message`) instead of longjmp.
package enum PNGFile {
    /// Writes `image` to `path` atomically: the PNG goes to a temporary file in the same
    /// folder, which is then renamed over `path`, so an interrupted run never leaves a
    /// half-written figure. Missing folders are created. The file holds no timestamp, so the
    /// same pixels give the same bytes (with the same zlib).
    package static func write(_ image: Image, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw PNGError.cannotCreateFolder(path: folder, reason: reason(error))
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw PNGError.cannotWrite(path: path, reason: "the folder \(folder) is not writable")
        }
        let temporary = folder + "/.\(url.lastPathComponent).\(getpid()).tmp"
        var control = png_image()
        control.version = labkit_png_image_version
        control.width = UInt32(image.width)
        control.height = UInt32(image.height)
        switch image.format {
        case .gray: control.format = labkit_png_format_gray
        case .rgb: control.format = labkit_png_format_rgb
        case .rgba: control.format = labkit_png_format_rgba
        }
        let ok = image.pixels.withUnsafeBytes { bytes in
            png_image_write_to_file(
                &control, temporary, 0, bytes.baseAddress, Int32(image.width * image.format.channels), nil)
        }
        defer { png_image_free(&control) }
        guard ok != 0 else {
            let message = libpngMessage(&control)
            try? FileManager.default.removeItem(atPath: temporary)
            throw PNGError.libpng(path: path, message: message)
        }
        guard rename(temporary, path) == 0 else {
            let error = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw PNGError.cannotWrite(path: path, reason: error)
        }
    }

    /// Reads a PNG as 8-bit gray, RGB or RGBA (whichever is closest to the file's own format).
    package static func read(from path: String) throws -> Image {
        var control = png_image()
        control.version = labkit_png_image_version
        defer { png_image_free(&control) }
        guard png_image_begin_read_from_file(&control, path) != 0 else {
            throw PNGError.libpng(path: path, message: libpngMessage(&control))
        }
        let hasColor = control.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        let hasAlpha = control.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        let format: Image.Format = hasAlpha ? .rgba : (hasColor ? .rgb : .gray)
        control.format =
            format == .rgba ? labkit_png_format_rgba : (format == .rgb ? labkit_png_format_rgb : labkit_png_format_gray)
        let (width, height) = (Int(control.width), Int(control.height))
        guard width > 0, height > 0, width * height <= 1 << 28 else {
            throw PNGError.libpng(path: path, message: "implausible image size \(width)×\(height)")
        }
        var pixels = [UInt8](repeating: 0, count: width * height * format.channels)
        let ok = pixels.withUnsafeMutableBytes { bytes in
            png_image_finish_read(&control, nil, bytes.baseAddress, Int32(width * format.channels), nil)
        }
        guard ok != 0 else { throw PNGError.libpng(path: path, message: libpngMessage(&control)) }
        return Image(width: width, height: height, format: format, pixels: pixels)
    }

    private static func libpngMessage(_ control: inout png_image) -> String {
        withUnsafeBytes(of: &control.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    private static func reason(_ error: Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}
