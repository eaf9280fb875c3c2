/// Problems with data files, each with a message that says what to do.
package enum DataError: Error, CustomStringConvertible, Equatable {
    /// A dataset was not found; `looked` lists the folders searched.
    case missingDataset(name: String, looked: [String], hint: String)
    /// A file is missing, unreadable or not a regular file.
    case unreadableFile(path: String, reason: String)
    /// A file exists but is not a valid IDX file.
    case corruptFile(path: String, reason: String)
    /// Its images are larger than the lab handles.
    case imagesTooLarge(path: String, dimensions: [Int], maximumPixels: Int)
    /// Loading a file would take more memory than the budget allows.
    case tooLarge(path: String, dimensions: [Int], elements: Int, budget: Int)
    /// Image and label files disagree.
    case mismatch(String)
    /// A flag or argument is out of range.
    case invalidArgument(String)

    package var description: String {
        switch self {
        case let .missingDataset(name, looked, hint):
            return "The \(name) dataset was not found. Looked in:\n"
                + looked.map { "  - \($0)" }.joined(separator: "\n") + "\n\(hint)"
        case let .unreadableFile(path, reason):
            return "\(path) cannot be read: \(reason)."
        case let .corruptFile(path, reason):
            return "\(path) is not a valid IDX file: \(reason)"
        case let .imagesTooLarge(path, dimensions, maximum):
            let pixels = dimensions.dropFirst().reduce(1, *)
            let size = dimensions.dropFirst().map(String.init).joined(separator: " × ")
            return "\(path) holds images of \(size) = \(pixels) pixels; this lab handles at most \(maximum). "
                + "Downscale the images first."
        case let .tooLarge(path, dimensions, elements, budget):
            let perItem = Swift.max(1, dimensions.dropFirst().reduce(1, *))
            let shape = dimensions.map(String.init).joined(separator: " × ")
            return "\(path) holds \(shape) values; loading \(elements) of them as Float32 "
                + "takes \((elements * 4) >> 20) MiB, over the memory budget of \((budget * 4) >> 20) MiB. "
                + "Load fewer images with --train-size / --test-size (at most \(Swift.max(1, budget / perItem)) here)."
        case let .mismatch(message):
            return message
        case let .invalidArgument(message):
            return message
        }
    }
}
