import Foundation
import LabData
import LabKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A path as the bytes the file system stores: a student's folder name need not be UTF-8.
package struct RawPath: Sendable, Hashable {
    package let bytes: [UInt8]
    package init(_ bytes: [UInt8]) { self.bytes = bytes }
    package init(_ string: String) { self.bytes = Array(string.utf8) }

    package func appending(_ name: [UInt8]) -> RawPath { RawPath(bytes + [UInt8(ascii: "/")] + name) }
    package func appending(_ name: String) -> RawPath { appending(Array(name.utf8)) }
    /// For messages: lossy UTF-8 (an invalid byte shows as U+FFFD).
    package var display: String { String(decoding: bytes, as: UTF8.self) }

    package func withCString<R>(_ body: (UnsafePointer<CChar>) -> R) -> R {
        (bytes.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// The entry's type, without following a symbolic link; nil if it does not exist.
    package func kind() -> mode_t? {
        var info = stat()
        return withCString { lstat($0, &info) } == 0 ? info.st_mode & S_IFMT : nil
    }

    /// The names in a folder (raw bytes), sorted, without "." and "..".
    package func entries() -> [[UInt8]] {
        guard let folder = withCString({ opendir($0) }) else { return [] }
        defer { closedir(folder) }
        var names: [[UInt8]] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name != [UInt8(ascii: ".")] && name != [UInt8(ascii: "."), UInt8(ascii: ".")] { names.append(name) }
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }
}

/// A name safe for a folder, a CSV cell and a terminal: ASCII letters, digits, `.`, `_`
/// and `-`; any other byte becomes `_`, and a changed name gets a short hash of the
/// original so that two odd names never collide.
package func sanitisedName(_ raw: [UInt8]) -> String {
    let safe = raw.map { byte -> Character in
        let c = Character(UnicodeScalar(byte))
        return byte < 128 && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") ? c : "_"
    }
    var name = String(safe)
    if name.hasPrefix(".") { name = "_" + name.dropFirst() }
    if name.isEmpty || Array(name.utf8) != raw { name += "-" + String(fnv1a(raw), radix: 16).prefix(8) }
    return name
}

/// A submission copied for grading: only regular `.swift` files directly inside
/// `Labs/LabNN/`, never following a link, each at most `maxFileBytes`.
package struct SubmissionCopy: Sendable {
    /// A line per entry that was not taken, for the student's feedback.
    package var rejected: [String] = []
    /// The labs for which at least one gradable file was found.
    package var labsFound: Set<Int> = []
    /// A fingerprint of every copied file's name and content.
    package var fingerprint: UInt64 = 0xcbf2_9ce4_8422_2325

    static let maxFileBytes = 1 << 20
    static let maxFilesPerLab = 64

    /// The folder holding the LabNN folders: `root/Labs`, else the first folder named `Labs`
    /// within three levels (a kit checkout or a zip's top folder; links never followed),
    /// else `root` itself. `shown` is its path relative to `root`, for messages.
    static func labsFolder(in root: RawPath) -> (folder: RawPath, shown: String) {
        if root.appending("Labs").kind() == S_IFDIR { return (root.appending("Labs"), "Labs/") }
        var level: [(RawPath, String)] = [(root, "")]
        for _ in 0..<3 {
            var next: [(RawPath, String)] = []
            for (folder, shown) in level {
                for name in folder.entries() where name.first != UInt8(ascii: ".") {
                    let entry = folder.appending(name)
                    guard entry.kind() == S_IFDIR else { continue }
                    let path = shown + String(decoding: name, as: UTF8.self) + "/"
                    if name.elementsEqual("Labs".utf8) { return (entry, path) }
                    next.append((entry, path))
                }
            }
            level = next
        }
        return (root, "")
    }

    /// Copies from `root` (a student's folder holding `Labs/` at most three levels down, the
    /// `Labs` folder itself, or the lab files uploaded flat: `Lab02Sparse.swift` counts for
    /// Lab02) into `destination/LabNN/`.
    package static func make(from root: RawPath, into destination: String, labs: [Int]) -> SubmissionCopy {
        var copy = SubmissionCopy()
        let (labsFolder, shown) = Self.labsFolder(in: root)
        let expected = Set(labs.map { String(format: "Lab%02d", $0) })
        var taken: [String: Int] = [:]

        /// Copies one file of a lab, if it is a regular .swift file within the limits.
        func take(_ file: RawPath, named fileName: [UInt8], lab text: String, shownFile: String) {
            let isSwift = fileName.count > 6 && fileName.suffix(6).elementsEqual(".swift".utf8)
            guard file.kind() == S_IFREG, isSwift else {
                copy.rejected.append(
                    "\(shownFile): \(describe(file.kind())) — ignored (only regular .swift files directly in \(text)/ are graded)"
                )
                return
            }
            guard taken[text, default: 0] < maxFilesPerLab else {
                copy.rejected.append("\(shownFile): more than \(maxFilesPerLab) files in \(text)/ — ignored")
                return
            }
            switch readRegularFile(file) {
            case .success(let bytes):
                try? FileManager.default.createDirectory(
                    atPath: "\(destination)/\(text)", withIntermediateDirectories: true)
                let safe = sanitisedName(fileName)
                let relative = "\(text)/\(safe.hasSuffix(".swift") ? safe : safe + ".swift")"
                _ = FileManager.default.createFile(
                    atPath: "\(destination)/\(relative)", contents: Data(bytes), attributes: [.posixPermissions: 0o644])
                copy.fingerprint = fnv1a(bytes, seed: fnv1a(Array(relative.utf8), seed: copy.fingerprint))
                taken[text, default: 0] += 1
                copy.labsFound.insert(Int(text.dropFirst(3))!)
            case .failure(let reason):
                copy.rejected.append("\(shownFile): \(reason.message) — ignored")
            }
        }

        var foundFolders = false
        for name in labsFolder.entries() {
            let text = String(decoding: name, as: UTF8.self)
            let entry = labsFolder.appending(name)
            let kind = entry.kind()
            guard expected.contains(text) else {
                if kind == S_IFLNK {
                    copy.rejected.append("\(shown)\(text): a symbolic link — ignored (only regular files are graded)")
                }
                continue  // handouts, notes, other folders: not part of the submission
            }
            foundFolders = true
            guard kind == S_IFDIR else {
                copy.rejected.append(
                    "\(shown)\(text): \(describe(kind)), not a folder — this lab counts as not submitted")
                continue
            }
            try? FileManager.default.createDirectory(
                atPath: "\(destination)/\(text)", withIntermediateDirectories: true)
            for fileName in entry.entries() {
                take(
                    entry.appending(fileName), named: fileName, lab: text,
                    shownFile: "\(shown)\(text)/\(String(decoding: fileName, as: UTF8.self))")
            }
        }
        // No LabNN folders: lab files uploaded flat, each named for its lab.
        if !foundFolders {
            for name in labsFolder.entries() where name.count > 5 {
                let text = String(decoding: name.prefix(5), as: UTF8.self)
                guard expected.contains(text), labsFolder.appending(name).kind() == S_IFREG else { continue }
                take(
                    labsFolder.appending(name), named: name, lab: text,
                    shownFile: "\(shown)\(String(decoding: name, as: UTF8.self))")
            }
        }
        return copy
    }

    struct ReadFailure: Error { let message: String }

    /// Reads a file that must be a regular file when opened (not only when listed: it may
    /// be swapped for a link or a FIFO in between), without blocking and within the size cap.
    static func readRegularFile(_ path: RawPath) -> Result<[UInt8], ReadFailure> {
        let fd = path.withCString { open($0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
        guard fd >= 0 else {
            return .failure(ReadFailure(message: "cannot be opened (\(String(cString: strerror(errno))))"))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return .failure(ReadFailure(message: "not a regular file"))
        }
        guard info.st_size <= maxFileBytes else {
            return .failure(ReadFailure(message: "larger than \(maxFileBytes >> 20) MiB"))
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { break }
            done += n
        }
        return .success(Array(bytes.prefix(done)))
    }

    static func describe(_ kind: mode_t?) -> String {
        switch kind {
        case S_IFLNK: return "a symbolic link"
        case S_IFDIR: return "a folder"
        case S_IFREG: return "not a .swift file"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        case nil: return "unreadable"
        default: return "not a regular file"
        }
    }
}
