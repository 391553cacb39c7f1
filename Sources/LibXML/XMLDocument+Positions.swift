internal import CLibXML2

/// Where a column count last stopped, so that positions asked for in document order cost only the
/// distance between them, even on one very long line.
struct ColumnMemo {
    /// A source offset and its 1-based column.
    var offset: Int
    var column: Int
}

/// Line and column of parsed elements, from the source offsets the parser recorded.
extension XMLDocument {
    /// The 1-based line and column of the `<` that opens `node`'s start tag, or `nil` for nodes that
    /// were not parsed from source (added ones, text, documents built in memory).
    func position(of node: xmlNodePtr) -> (line: Int, column: Int)? {
        guard !bytes.isEmpty, node.pointee.type == XML_ELEMENT_NODE, hostdev_is_new(node) == 0 else { return nil }
        let tagEnd = Int(hostdev_start_tag_end(node)) - 1
        let parsedLine = Int(xmlGetLineNo(node))
        guard tagEnd > 0, tagEnd <= bytes.count, parsedLine > 0 else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> (line: Int, column: Int)? in
            // A start tag holds no `<` but its first byte (attribute values cannot hold one).
            var open = tagEnd - 1
            var newlinesInTag = 0
            while open >= 0, buffer[open] != UInt8(ascii: "<") {
                if buffer[open] == UInt8(ascii: "\n") { newlinesInTag += 1 }
                open -= 1
            }
            guard open >= 0 else { return nil }
            // libxml2 numbers an element by the line its start tag ends on.
            let line = parsedLine - newlinesInTag
            let column = column(at: open, in: buffer)
            return line > 0 ? (line, column) : nil
        }
    }

    /// The 1-based column (in Unicode scalars) of a source offset.
    private func column(at offset: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Int {
        if let memo = columnMemo, memo.offset <= offset {
            var column = memo.column
            var index = memo.offset
            while index < offset {
                let byte = buffer[index]
                if byte == UInt8(ascii: "\n") { break }
                if byte & 0xC0 != 0x80 { column += 1 }
                index += 1
            }
            if index == offset {
                columnMemo = ColumnMemo(offset: offset, column: column)
                return column
            }
        }
        var lineStart = offset
        while lineStart > 0, buffer[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
        var column = 1
        for index in lineStart..<offset where buffer[index] & 0xC0 != 0x80 { column += 1 }
        columnMemo = ColumnMemo(offset: offset, column: column)
        return column
    }
}
