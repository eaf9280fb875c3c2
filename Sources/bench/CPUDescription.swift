import Foundation

/// The CPU the bench ran on, as the OS reports it: its model, the vector extensions the kernels
/// may use, and its caches. Every ratio the bench's rounds print carries it, so numbers from two
/// machines are never read as one.
struct CPUDescription {
    var model = "unknown"
    /// Vendor, family, model and stepping as cpuid gives them ("AuthenticAMD 25/17/1"): a model
    /// name such as "AMD EPYC" can cover several generations.
    var identity = "unknown"
    /// The extensions among SSE4.2, AVX, FMA, AVX2 and AVX-512 (F, BW, VL, VNNI, BF16) it has.
    var vectorExtensions: [String] = []
    /// "L1d 32K", "L2 1024K", "L3 32768K (shared by 2)".
    var caches: [String] = []
    var logicalCPUs = ProcessInfo.processInfo.activeProcessorCount

    static func current() -> CPUDescription {
        var cpu = CPUDescription()
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            info.split(separator: "\n").first { $0.hasPrefix(name) }
                .flatMap { $0.split(separator: ":", maxSplits: 1).last }
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        cpu.model = field("model name") ?? cpu.model
        if let vendor = field("vendor_id"), let family = field("cpu family"), let number = field("model\t"),
            let stepping = field("stepping")
        {
            cpu.identity = "\(vendor) \(family)/\(number)/\(stepping)"
        }
        let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
        let shown = [
            "sse4_2", "avx", "fma", "avx2", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16",
        ]
        cpu.vectorExtensions = shown.filter(flags.contains)
        let root = "/sys/devices/system/cpu/cpu0/cache"
        let indices = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter {
            $0.hasPrefix("index")
        }
        for index in indices.sorted() {
            func read(_ name: String) -> String {
                ((try? String(contentsOfFile: "\(root)/\(index)/\(name)", encoding: .utf8)) ?? "")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let type = read("type")
            guard type != "Instruction" else { continue }
            let sharing = read("shared_cpu_list").split(separator: ",").reduce(0) { count, range in
                let ends = range.split(separator: "-").compactMap { Int($0) }
                return count + (ends.count == 2 ? ends[1] - ends[0] + 1 : 1)
            }
            let name = "L\(read("level"))" + (type == "Data" ? "d" : "")
            cpu.caches.append("\(name) \(read("size"))" + (sharing > 1 ? " (shared by \(sharing))" : ""))
        }
        return cpu
    }

    var json: String {
        func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        let model = model.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return """
            {"model": "\(model)", "cpuid": "\(identity)", "vector_extensions": \(list(vectorExtensions)), "caches": \
            \(list(caches)), "logical_cpus": \(logicalCPUs)}
            """
    }
}
