/// Problems with data files, each with a message that says what to do.
public enum DataError: Error, CustomStringConvertible, Equatable {
    /// A dataset was not found; `looked` lists the folders searched.
    case missingDataset(name: String, looked: [String], hint: String)
    /// A file exists but is not a valid IDX file.
    case corruptFile(path: String, reason: String)
    /// Image and label files disagree.
    case mismatch(String)
    /// A flag or argument is out of range.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .missingDataset(name, looked, hint):
            return "The \(name) dataset was not found. Looked in:\n"
                + looked.map { "  - \($0)" }.joined(separator: "\n") + "\n\(hint)"
        case let .corruptFile(path, reason):
            return "\(path) is not a valid IDX file: \(reason)"
        case let .mismatch(message):
            return message
        case let .invalidArgument(message):
            return message
        }
    }
}
