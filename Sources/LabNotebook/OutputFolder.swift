#if canImport(Glibc)
import Glibc
#endif
import CSandbox
import Dispatch
import Foundation

/// A lab's output folder, written all-or-nothing.
///
/// A run writes into a staging folder beside the output (`.NAME.staging-PID`) and, when it
/// finishes, swaps it with the output in one `renameat2(RENAME_EXCHANGE)` (`cs_exchange`). So an interrupted
/// or failed run leaves the previous complete output as it was:
/// - SIGINT and SIGTERM remove the staging folder before the process exits;
/// - after a SIGKILL, the next run into the same folder removes the stale staging folder;
/// - a second run into a folder another run is writing is refused (an `flock` on
///   `.NAME.lock` beside it, released by the kernel when the process ends);
/// - an existing folder is replaced only if it holds nothing but lab outputs
///   (`.png`, `.md`, `.json`), so `--out .` cannot wipe a source tree.
final class OutputFolder: @unchecked Sendable {
    let final: String
    let staging: String
    private var lockDescriptor: Int32
    private var committed = false

    /// The folder being staged, for the signal handlers.
    nonisolated(unsafe) private static var active: OutputFolder?
    nonisolated(unsafe) private static var signalSources: [DispatchSourceSignal] = []

    init(final path: String) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let parent = url.deletingLastPathComponent().path, name = url.lastPathComponent
        final = url.path
        guard !name.isEmpty, name != "/", name != "." else { throw LabError.unwritableOutput(path: path, reason: "it is not a folder name") }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw LabError.unwritableOutput(path: path, reason: "its parent cannot be created (\((error as NSError).localizedDescription))")
        }
        var info = stat()
        if lstat(final, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw LabError.unwritableOutput(path: path, reason: "it exists and is not a folder") }
            let foreign = (try? FileManager.default.contentsOfDirectory(atPath: final))?.filter { !Self.isLabOutput($0) } ?? []
            guard foreign.isEmpty else {
                throw LabError.unwritableOutput(path: path, reason: "it holds files a lab did not write (\(foreign.prefix(3).joined(separator: ", "))), and a run replaces the whole folder")
            }
        }
        let lock = "\(parent)/.\(name).lock"
        lockDescriptor = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockDescriptor >= 0 else { throw LabError.unwritableOutput(path: path, reason: "files cannot be written beside it (\(String(cString: strerror(errno))))") }
        guard flock(lockDescriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(lockDescriptor)
            throw LabError.unwritableOutput(path: path, reason: "another run is writing into it right now; wait for it to finish")
        }
        // Holding the lock, every staging folder of this output belongs to a run that died.
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where entry.hasPrefix(".\(name).staging-") {
            try? FileManager.default.removeItem(atPath: "\(parent)/\(entry)")
        }
        staging = "\(parent)/.\(name).staging-\(getpid())"
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        } catch {
            throw LabError.unwritableOutput(path: path, reason: "files cannot be written beside it (\((error as NSError).localizedDescription))")
        }
        Self.active = self
        Self.installSignalHandlers()
    }

    static func isLabOutput(_ name: String) -> Bool {
        name.hasSuffix(".png") || name.hasSuffix(".md") || name.hasSuffix(".json") || name == Notebook.modelsFolder
    }

    /// Moves the staged output into place: one atomic exchange with the old folder (then
    /// removed), or a rename when there was none.
    func commit() throws {
        var info = stat()
        if lstat(final, &info) == 0 {
            guard cs_exchange(staging, final) == 0 else {
                throw LabError.unwritableOutput(path: final, reason: "the finished output could not be moved into place (\(String(cString: strerror(errno))))")
            }
            try? FileManager.default.removeItem(atPath: staging)   // now the previous output
        } else {
            guard rename(staging, final) == 0 else {
                throw LabError.unwritableOutput(path: final, reason: "the finished output could not be moved into place (\(String(cString: strerror(errno))))")
            }
        }
        committed = true
        Self.active = nil
        unlock()
    }

    private func unlock() {
        if lockDescriptor >= 0 { close(lockDescriptor); lockDescriptor = -1 }
    }

    /// Removes the staging folder of a run that did not finish.
    func discard() {
        guard !committed else { return }
        try? FileManager.default.removeItem(atPath: staging)
        Self.active = nil
        unlock()
    }

    /// SIGINT / SIGTERM: remove the staging folder, then exit with 128 + the signal.
    private static func installSignalHandlers() {
        guard signalSources.isEmpty else { return }
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                active?.discard()
                FileHandle.standardError.write(Data("\nInterrupted: the unfinished output was removed; the previous output is unchanged.\n".utf8))
                exit(128 + signalNumber)
            }
            source.resume()
            signalSources.append(source)
        }
    }
}
