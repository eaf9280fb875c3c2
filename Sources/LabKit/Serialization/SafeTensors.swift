import Foundation

/// Named tensors in a file, in the safetensors format (Hugging Face), so that NumPy,
/// PyTorch, JAX or the `safetensors` package can open a model trained here:
///
///     8 bytes     N, the header's length, unsigned little-endian
///     N bytes     a JSON object, padded with spaces to a multiple of 8 bytes:
///                   {"__metadata__": {"key": "text", …},
///                    "name": {"dtype": "F32", "shape": [rows, columns], "data_offsets": [begin, end]}, …}
///     the rest    the tensors' values, float32 little-endian, row-major, back to back;
///                 `data_offsets` count bytes from the end of the header.
///
/// Only `F32` tensors are written and read. Names and metadata keys are written in sorted
/// order, so the same tensors always give the same bytes.
///
/// A file this type writes carries a checksum in its metadata (`fnv1a64`: FNV-1a of the file's
/// bytes as they would be without that entry — every name, shape, value and other metadata), and
/// reading verifies it: a file changed on disk is an error, never values used quietly. Reading
/// also holds a file to the format: integer shapes whose product fits, offsets that tile the data
/// exactly (no overlap, no gap, nothing past the end), known dtypes.
///
/// ```
/// try SafeTensors(tensors: ["encoder.weight": w], metadata: ["epochs": "12"]).write(to: "model.safetensors")
/// let file = try SafeTensors(contentsOf: "model.safetensors")
/// file.tensors["encoder.weight"]      // w
/// ```
/// In Python: `json.loads(raw[8:8 + n])` for the header, then
/// `np.frombuffer(raw, "<f4", count, offset=8 + n + begin).reshape(shape)` for each tensor.
package struct SafeTensors: Equatable, Sendable {
    package var tensors: [String: Tensor]
    package var metadata: [String: String]

    package init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Why a file could not be read as safetensors.
    package struct FormatError: Error, CustomStringConvertible {
        package let path: String
        package let reason: String
        package var description: String { "\(path) is not a readable safetensors file: \(reason)." }
    }

    // MARK: Writing

    /// The metadata key of the checksum.
    package static let checksumKey = "fnv1a64"

    /// The file's bytes, with the checksum of everything else in the metadata.
    package func encoded() -> Data {
        var contents = self
        contents.metadata[Self.checksumKey] = nil
        var sealed = contents
        sealed.metadata[Self.checksumKey] = Self.hex(fnv1a(contents.unsealedBytes()))
        return sealed.unsealedBytes()
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The bytes of exactly these tensors and metadata (no checksum added).
    func unsealedBytes() -> Data {
        var header = ""
        var offset = 0
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(Self.quoted($0)):\(Self.quoted(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        let names = tensors.keys.sorted()
        for name in names {
            let tensor = tensors[name]!
            let bytes = tensor.count * MemoryLayout<Float>.size
            entries.append(
                "\(Self.quoted(name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}"
            )
            offset += bytes
        }
        header = "{" + entries.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }

        var data = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: headerBytes)
        for name in names {
            tensors[name]!.scalars.withUnsafeBufferPointer { values in
                // Float32 values as little-endian bytes (a no-op on every platform Swift runs on today).
                let littleEndian = values.map { $0.bitPattern.littleEndian }
                littleEndian.withUnsafeBytes { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// Writes the file whole: into a temporary name first, then renamed, so a reader never
    /// sees half a file.
    package func write(to path: String) throws {
        let temporary = path + ".partial"
        try encoded().write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    // MARK: Reading

    /// Reads a file written by this type or by any safetensors writer (F32 tensors only). A
    /// checksum in the file is always verified; `requireChecksum` also refuses a file without one
    /// (the kit's own models always have it).
    package init(contentsOf path: String, requireChecksum: Bool = false) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError(path: path, reason: "it cannot be read")
        }
        try self.init(data: data, path: path, requireChecksum: requireChecksum)
    }

    package init(data: Data, path: String = "data", requireChecksum: Bool = false) throws {
        try self.init(unverified: data, path: path)
        guard let stored = metadata[Self.checksumKey] else {
            if requireChecksum {
                throw FormatError(
                    path: path, reason: "it has no \(Self.checksumKey) checksum (the kit writes one into every model)")
            }
            return
        }
        var contents = self
        contents.metadata[Self.checksumKey] = nil
        guard Self.hex(fnv1a(contents.unsealedBytes())) == stored else {
            throw FormatError(
                path: path,
                reason:
                    "its contents do not match the checksum written with it: the file was changed or damaged since it was saved"
            )
        }
        self = contents
    }

    private init(unverified data: Data, path: String) throws {
        func failure(_ reason: String) -> FormatError { FormatError(path: path, reason: reason) }
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw failure("it is shorter than the 8-byte header length") }
        let headerLength = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(bytes.count - 8), headerLength <= 100_000_000 else {
            throw failure("the header length \(headerLength) exceeds the file")
        }
        let bodyStart = 8 + Int(headerLength)
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes[8..<bodyStart])),
            let header = object as? [String: Any]
        else { throw failure("the header is not a JSON object") }

        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        var extents: [(begin: Int, end: Int, name: String)] = []
        let bodyLength = bytes.count - bodyStart
        for (name, value) in header {
            if name == "__metadata__" {
                guard let pairs = value as? [String: Any] else { throw failure("__metadata__ is not an object") }
                for (key, text) in pairs {
                    guard let text = text as? String else { throw failure("metadata \(key) is not a string") }
                    metadata[key] = text
                }
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                let shape = Self.integers(entry["shape"]), let offsets = Self.integers(entry["data_offsets"]),
                offsets.count == 2
            else { throw failure("the entry for \(name) lacks dtype, shape or data_offsets (lists of integers)") }
            guard dtype == "F32" else { throw failure("\(name) has dtype \(dtype); only F32 is supported") }
            guard shape.allSatisfy({ $0 >= 0 && $0 < 1 << 31 }), shape.count <= 8 else {
                throw failure("\(name) has the shape \(shape)")
            }
            // The element count, or nil when it is more than the file could hold (4·count never overflows).
            var count: Int? = shape.contains(0) ? 0 : 1
            for n in shape {
                guard let c = count else { break }
                let (product, overflow) = c.multipliedReportingOverflow(by: n)
                count = overflow || product > bodyLength / 4 ? nil : product
            }
            guard let count, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= bodyLength,
                offsets[1] - offsets[0] == count * 4
            else {
                throw failure(
                    "\(name)'s data_offsets \(offsets) do not hold the \(shape) float32 values its shape needs within the file"
                )
            }
            var scalars = [Float](repeating: 0, count: count)
            for i in 0..<count {
                let at = bodyStart + offsets[0] + 4 * i
                let bits =
                    UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3])
                    << 24
                scalars[i] = Float(bitPattern: bits)
            }
            tensors[name] = Tensor(shape: shape, scalars: scalars)
            extents.append((offsets[0], offsets[1], name))
        }
        // The tensors tile the data: sorted by offset, each begins where the last ended.
        var end = 0
        for extent in extents.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            guard extent.begin == end else {
                throw failure(
                    extent.begin < end
                        ? "\(extent.name)'s data overlaps another tensor's"
                        : "the data has bytes no tensor claims before \(extent.name)")
            }
            end = extent.end
        }
        guard end == bodyLength else { throw failure("the data has \(bodyLength - end) bytes after the last tensor") }
        self.init(tensors: tensors, metadata: metadata)
    }

    /// A JSON list of integers (not booleans, not fractions), or nil.
    static func integers(_ value: Any?) -> [Int]? {
        guard let list = value as? [Any] else { return nil }
        var out: [Int] = []
        for item in list {
            guard let number = item as? NSNumber, String(cString: number.objCType) != "c",  // "c": a JSON true or false
                let exact = Int(exactly: number.doubleValue), Double(exact) == number.doubleValue
            else { return nil }
            out.append(exact)
        }
        return out
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
