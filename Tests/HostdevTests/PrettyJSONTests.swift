import Foundation
import Testing

@testable import Hostdev

/// Values of every shape the reports use, and some they do not yet.
private struct Sample: Encodable {
    var text: String
    var number: Int
    var flag: Bool
    var missing: String?
    var list: [String]
    var empty: [Int]
    var emptyObject: [String: String]
    var nested: [[Int]]
    var byName: [String: Int]
    var byNumber: [Int: String]
    var action: FixIt.Action?
    var noAction: FixIt.Action
    var small: [Int8]
    var wide: [UInt64]
    var signed: Int64
    var decimals: [Double]
    var single: Float
    var flags: [Bool?]
}

/// A type that writes through every container an encoder hands out, a key twice and explicit nulls.
private struct Handwritten: Encodable {
    enum Key: String, CodingKey { case b, a, B, a_b, aB, a1, a10, a2, É, z }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode("first", forKey: .b)
        try container.encode("second", forKey: .b)
        try container.encodeNil(forKey: .a)
        try container.encode(UInt8(7), forKey: .B)
        var nested = container.nestedContainer(keyedBy: Key.self, forKey: .a_b)
        try nested.encode(true, forKey: .z)
        var list = container.nestedUnkeyedContainer(forKey: .aB)
        try list.encodeNil()
        try list.encode(Int16(-3))
        var inner = list.nestedContainer(keyedBy: Key.self)
        try inner.encode(2.5, forKey: .a1)
        var innerList = list.nestedUnkeyedContainer()
        try innerList.encode("x")
        try "super".encode(to: container.superEncoder(forKey: .a10))
        try [1, 2].encode(to: container.superEncoder())
        try container.encode(Optional<Int>.none, forKey: .a2)
        try container.encode("accent", forKey: .É)
    }
}

@Suite("PrettyJSON writes Foundation's pretty, sorted JSON byte for byte")
struct PrettyJSONTests {
    static func foundation(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let awkwardText =
        String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self) + "\"\\/ é 😀 \u{7f} \u{2028} end"

    @Test func everyShapeMatches() throws {
        let sample = Sample(
            text: Self.awkwardText, number: -42, flag: true, missing: nil, list: ["a/b", "", "c"], empty: [],
            emptyObject: [:], nested: [[], [1], [2, 3]],
            byName: [
                "b": 1, "B": 2, "a_b": 3, "aB": 4, "a10": 5, "a2": 6, "é": 7, "e": 8, "": 9, Self.awkwardText: 10,
            ],
            byNumber: [10: "ten", 2: "two", -1: "minus one"], action: .includeGroup(group: 3),
            noAction: .listHostDevices, small: [Int8.min, 0, Int8.max], wide: [0, UInt64.max], signed: Int64.min,
            decimals: [0, -0.0, 1.5, 2, 0.1, 1e-7, 1e300, -123456789.25], single: 0.3, flags: [true, nil, false])
        #expect(PrettyJSON.encode(sample) == (try Self.foundation(sample)))
    }

    @Test func everyContainerMatches() throws {
        #expect(PrettyJSON.encode(Handwritten()) == (try Self.foundation(Handwritten())))
        #expect(PrettyJSON.encode([Handwritten()]) == (try Self.foundation([Handwritten()])))
    }

    @Test func topLevelValuesMatch() throws {
        #expect(PrettyJSON.encode(Self.awkwardText) == (try Self.foundation(Self.awkwardText)))
        #expect(PrettyJSON.encode(17) == (try Self.foundation(17)))
        #expect(PrettyJSON.encode([String]()) == (try Self.foundation([String]())))
        #expect(PrettyJSON.encode([String: [String]]()) == (try Self.foundation([String: [String]]())))
        #expect(PrettyJSON.encode(Optional<String>.none) == (try Self.foundation(Optional<String>.none)))
    }

    @Test(arguments: ["sample-host.xml", "vdsm-host.xml"])
    func theListingWritesWhatTheEncoderWould(host: String) throws {
        let inventory = try InventorySource.snapshot(path: Repository.root + "/Samples/hosts/" + host).load()
        let listing = try DeviceListing(inventory: inventory)
        #expect(listing.vdsmJSON() == PrettyJSON.encode(listing.vdsmEntries()))
        #expect(listing.vdsmJSON() == (try Self.foundation(listing.vdsmEntries())))
    }

    @Test func aNumberJSONCannotHoldGivesAnEmptyObject() {
        #expect(PrettyJSON.encode(["x": Double.nan]) == "{}")
        #expect(PrettyJSON.encode([Double.infinity]) == "{}")
    }
}
