import Foundation
import LabNotebook
import XCTest

/// A test case with a fresh temporary folder, `root`, removed after each test.
class FolderTestCase: XCTestCase {
    var root: String!

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "\(type(of: self))-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }
}
