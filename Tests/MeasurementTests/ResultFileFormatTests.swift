import Foundation
import Testing
@testable import Measurement

/// The one CSV type, atomic writer and number formatter every result file goes through.
@Suite struct ResultFileFormatTests {
    @Test func csvRendersHeaderAndRowsEachEndingInANewline() {
        let text = CSVTable.render(header: ["a", "b"], rows: [["1", "x,y"], ["say \"hi\"", "line\nbreak"]])
        #expect(text == "a,b\n1,\"x,y\"\n\"say \"\"hi\"\"\",\"line\nbreak\"\n")
        #expect(CSVTable(header: ["a", "b"], rows: [["1", "x,y"], ["say \"hi\"", "line\nbreak"]]).text == text)
        #expect(CSVTable.parse(text) == CSVTable(header: ["a", "b"], rows: [["1", "x,y"], ["say \"hi\"", "line\nbreak"]]))
    }

    @Test func numberModesKeepTheirLooks() {
        #expect(NumberFormat.csv(42) == "42")
        #expect(NumberFormat.csv(1234.5678) == "1234.57")
        #expect(NumberFormat.csv(0.12345678) == "0.123457")
        #expect(NumberFormat.csv(.nan) == "")
        #expect(NumberFormat.trimmed(2.5) == "2.5")
        #expect(NumberFormat.trimmed(-0.00001) == "0")
        #expect(NumberFormat.trimmed(1.23456, decimals: 2) == "1.23")
        #expect(NumberFormat.trimmed(nil as Double?) == "")
        #expect(NumberFormat.compact(123.456) == "123.5")
        #expect(NumberFormat.compact(1.5) == "1.5")
        #expect(NumberFormat.compact(0.123456) == "0.1235")
        #expect(NumberFormat.padded(5, width: 2) == "05")
    }

    @Test func atomicWriteReplacesTheFileAndLeavesNoTemporary() throws {
        let dir = NSTemporaryDirectory() + "vwifi-atomic-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write("old\n", to: dir + "/f.csv")
        try AtomicFile.write("new\n", to: dir + "/f.csv")
        #expect(TextFile.read(dir + "/f.csv") == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["f.csv"])
        #expect(throws: SystemCallError.self) { try AtomicFile.write("x", to: dir + "/missing/f.csv") }
    }
}
