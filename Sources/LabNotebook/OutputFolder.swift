import Foundation
import LabData
import LabKit

#if canImport(Glibc)
    import Glibc
#endif

/// A lab's output folder: the lab replaces only what it wrote there, and nothing else.
///
/// The folder is the lab's when the lab made it: a run writes `.labkit-manifest` into it,
/// listing every file it wrote with a 64-bit FNV-1a hash of its bytes. The next run
///
/// - refuses a folder that holds files but no manifest (a source tree, someone's notes);
/// - writes its output into a staging folder inside the output (`.labkit-staging-PID`), and
///   when it finishes moves each file into place (`rename`, one file at a time), removes the
///   files the last run wrote that this one did not, and writes the new manifest;
/// - keeps every other file: one the user added, and one the kit wrote that the user has
///   changed since (its hash differs). A new output whose name such a file holds stops the
///   run before anything moves, naming the file.
///
/// An interrupted run (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1/2, SIGPIPE) removes its staging
/// folder and leaves the previous output as it was; a signal during the move waits until it
/// is done. After a SIGKILL the next run removes the stale staging folder. A second run into a
/// folder another run is writing is refused (an `flock` on the folder itself, released by the
/// kernel when the process ends). Nothing is written beside the folder.
final class OutputFolder: @unchecked Sendable {
    let final: String
    let staging: String
    private var lockDescriptor: Int32
    private var finished = false
    /// Whether this run made the folder (so a run that fails leaves no empty folder behind).
    private let madeTheFolder: Bool
    /// The files the last run wrote, with the hashes of their contents the kit wrote.
    private let previous: [String: Set<String>]
    private let lock = NSLock()

    static let manifestName = OutputManifest.fileName
    static let stagingPrefix = ".labkit-staging-"

    /// Discards the staging folder if a signal ends the run.
    private var interruptCleanup: Interrupts.Registration?

    init(final path: String) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let parent = url.deletingLastPathComponent().path, name = url.lastPathComponent
        final = url.path
        guard !name.isEmpty, name != "/", name != "." else {
            throw LabError.unwritableOutput(path: path, reason: "it is not a folder name")
        }
        let fm = FileManager.default
        var info = stat()
        if lstat(final, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw LabError.unwritableOutput(path: path, reason: "it exists and is not a folder")
            }
            madeTheFolder = false
        } else {
            do {
                try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw LabError.unwritableOutput(
                    path: path, reason: "its parent cannot be created (\((error as NSError).localizedDescription))")
            }
            guard mkdir(final, 0o755) == 0 else {
                throw LabError.unwritableOutput(
                    path: path, reason: "it cannot be created (\(String(cString: strerror(errno))))")
            }
            madeTheFolder = true
        }
        lockDescriptor = open(final, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard lockDescriptor >= 0 else {
            throw LabError.unwritableOutput(
                path: path, reason: "it cannot be opened (\(String(cString: strerror(errno))))")
        }
        guard flock(lockDescriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(lockDescriptor)
            throw LabError.unwritableOutput(
                path: path, reason: "another run is writing into it right now; wait for it to finish")
        }
        let entries = ((try? fm.contentsOfDirectory(atPath: final)) ?? []).filter { !$0.hasPrefix(Self.stagingPrefix) }
        if let manifest = Self.readManifest(in: final) {
            previous = manifest
        } else if entries.isEmpty {
            previous = [:]
        } else {
            close(lockDescriptor)
            throw LabError.unwritableOutput(
                path: path,
                reason: "it holds files no lab run wrote (\(entries.sorted().prefix(3).joined(separator: ", "))"
                    + (entries.count > 3 ? ", …" : "")
                    + "); give --out a new or empty folder, or one a lab wrote before")
        }
        // Holding the lock, every staging folder in it belongs to a run that died.
        for entry in (try? fm.contentsOfDirectory(atPath: final)) ?? [] where entry.hasPrefix(Self.stagingPrefix) {
            try? fm.removeItem(atPath: "\(final)/\(entry)")
        }
        staging = "\(final)/\(Self.stagingPrefix)\(getpid())"
        guard mkdir(staging, 0o755) == 0 else {
            close(lockDescriptor)
            throw LabError.unwritableOutput(
                path: path, reason: "files cannot be written in it (\(String(cString: strerror(errno))))")
        }
        interruptCleanup = Interrupts.onInterrupt(
            "the unfinished output was removed; the previous output is unchanged."
        ) { [weak self] in self?.discardStaging() }
    }

    /// Whether the run may write `relative`: nothing is there, or the file the last run wrote,
    /// unchanged. Else it throws, naming the file — before the run spends time on it.
    func claim(_ relative: String) throws {
        let target = "\(final)/\(relative)"
        var info = stat()
        guard lstat(target, &info) == 0 else { return }
        if previous[relative]?.contains(Self.hash(of: target)) == true { return }
        throw LabError.unwritableOutput(
            path: final,
            reason: "it holds \(relative), which this run would replace but "
                + (previous[relative] == nil ? "no run wrote" : "was changed since the lab wrote it")
                + "; move it away or choose another --out. Nothing was changed")
    }

    /// Moves the staged files into place, removes what the last run wrote and this one did
    /// not, and writes the new manifest. Refuses (moving nothing) when a file the kit did not
    /// write, or changed since, stands where an output goes.
    func commit() throws {
        try Interrupts.withSignalsHeld(afterMessage: "after the new output was in place.") { try commitHeld() }
    }

    private func commitHeld() throws {
        lock.lock()
        defer { lock.unlock() }
        let fm = FileManager.default
        let written = (fm.subpaths(atPath: staging) ?? []).filter { !isFolder("\(staging)/\($0)") }.sorted()
        let blocked = written.filter { relative in
            let target = "\(final)/\(relative)"
            guard fm.fileExists(atPath: target) || isLink(target) else { return false }
            return !(previous[relative]?.contains(Self.hash(of: target)) ?? false)
        }
        guard blocked.isEmpty else {
            removeStaging()
            throw LabError.unwritableOutput(
                path: final,
                reason: "it holds \(blocked.prefix(3).joined(separator: ", "))\(blocked.count > 3 ? ", …" : ""), "
                    + "which this run would replace but no run wrote (or it was changed since); move \(blocked.count == 1 ? "it" : "them") "
                    + "away or choose another --out. Nothing was changed")
        }
        var manifest: [String: Set<String>] = [:]
        for relative in written { manifest[relative] = [Self.hash(of: "\(staging)/\(relative)")] }
        // While files move, both versions of each are the kit's (a run killed in the middle
        // leaves a folder the next run still recognises).
        try Self.writeManifest(previous.merging(manifest) { $0.union($1) }, in: final)
        for relative in written {
            let target = "\(final)/\(relative)"
            try? fm.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard rename("\(staging)/\(relative)", target) == 0 else {
                throw LabError.unwritableOutput(
                    path: target, reason: "it could not be moved into place (\(String(cString: strerror(errno))))")
            }
        }
        // The last run's files that this run did not write go, unless the user changed them.
        for (relative, hashes) in previous
        where manifest[relative] == nil && hashes.contains(Self.hash(of: "\(final)/\(relative)")) {
            unlink("\(final)/\(relative)")
            var folder = (relative as NSString).deletingLastPathComponent
            while !folder.isEmpty, rmdir("\(final)/\(folder)") == 0 {
                folder = (folder as NSString).deletingLastPathComponent
            }
        }
        try Self.writeManifest(manifest, in: final)
        removeStaging()
        finished = true
        interruptCleanup.map(Interrupts.remove)
        unlock()
    }

    /// Removes the staging folder of a run that did not finish (and the folder, if this run
    /// made it and it is still empty).
    func discard() {
        // Under the interrupt lock, so that a signal meanwhile waits for the removal.
        if let interruptCleanup { Interrupts.finish(interruptCleanup) }
        discardStaging()
    }

    private func discardStaging() {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        removeStaging()
        if madeTheFolder { rmdir(final) }
        finished = true
        unlock()
    }

    deinit { discard() }

    private func removeStaging() { try? FileManager.default.removeItem(atPath: staging) }

    private func unlock() {
        if lockDescriptor >= 0 { close(lockDescriptor); lockDescriptor = -1 }
    }

    private func isFolder(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    private func isLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    // MARK: The manifest

    static func readManifest(in folder: String) -> [String: Set<String>]? { OutputManifest.read(in: folder) }

    static func writeManifest(_ entries: [String: Set<String>], in folder: String) throws {
        do { try OutputManifest.write(entries, in: folder) } catch {
            throw LabError.unwritableOutput(
                path: "\(folder)/\(manifestName)", reason: (error as NSError).localizedDescription)
        }
    }

    static func hash(of path: String) -> String { OutputManifest.hash(of: path) }
}
