/// procps ps' line layout: fixed-width columns where an over-wide value pushes
/// later columns right and the following columns win the space back ("correct"
/// vs "actual" screen position), and the last column may use the rest of the line.
public struct PSColumn: Sendable {
    public var header: String
    public var width: Int
    public var justify: PSJustify
    public init(header: String, width: Int, justify: PSJustify) {
        self.header = header
        self.width = width
        self.justify = justify
    }
}

public struct PSLayout: Sendable {
    public var columns: [PSColumn]
    /// Screen width; effectively unlimited when output is not a terminal.
    public var activeCols: Int
    public var numericUser = false
    /// Room for 16-digit signal masks (procps' wide_signals).
    public var wideSignals = true

    public init(columns: [PSColumn], activeCols: Int) {
        self.columns = columns
        self.activeCols = activeCols
        // procps widens activeCols in multiples of the screen when the headers need it.
        var total = 0
        var wasNormal = 0
        var sigs = 0
        for (i, c) in columns.enumerated() {
            let last = i == columns.count - 1
            if c.justify == .unlimited { total += last ? 3 : c.width } else { total += c.width }
            if c.justify == .signal { sigs += 1 }
            total += wasNormal
            wasNormal = 1
        }
        if activeCols < 131072 {
            var n = 1
            while activeCols * n < total && activeCols * n < 65536 { n += 1 }
            self.activeCols = activeCols * n
        }
        wideSignals = total + sigs * 7 <= self.activeCols
    }

    /// Lays out one line: `cells` are the raw texts (the header names for the header line).
    /// `maxRightward` tells a cell producer how much room it has; cells are passed already
    /// built, and truncation of unlimited/user/wchan columns happens here.
    public func line(_ cells: [String], header: Bool = false) -> String {
        var out = ""
        var correct = 0, actual = 0, dospace = 0
        for (i, col) in columns.enumerated() {
            let last = i == columns.count - 1
            var maxRightward: Int
            var tmpspace = 0
            if !last {
                maxRightward = col.width
            } else {
                tmpspace = correct - actual
                if tmpspace < 1 {
                    tmpspace = dospace
                    maxRightward = activeCols - actual - tmpspace
                } else {
                    maxRightward = activeCols - max(correct, actual)
                }
            }
            maxRightward = max(0, maxRightward)
            var text = i < cells.count ? cells[i] : ""
            var leftpad = 0
            var legit = 0
            switch col.justify {
            case .left:
                leftpad = 0
            case .right:
                leftpad = max(0, col.width - text.count)
            case .signal:
                if wideSignals {
                    leftpad = max(0, 16 - text.count)
                    legit = 7
                } else {
                    if text.count > 8 { text = String(text.suffix(8)) }
                    leftpad = max(0, 9 - text.count)
                }
            case _ where header && col.justify != .right:
                leftpad = 0
            case .user:
                if numericUser {
                    leftpad = max(0, col.width - text.count)
                } else if text.count > maxRightward && maxRightward >= 1 {
                    text = String(text.prefix(maxRightward - 1)) + "+"
                }
            case .wchan:
                if text.count > maxRightward { text = String(text.prefix(maxRightward)) }
                if activeCols - actual - tmpspace < 1 { text = String(text.prefix(1)) }
            case .unlimited:
                if text.count > maxRightward { text = String(text.prefix(maxRightward)) }
                if activeCols - actual - tmpspace < 1 { text = String(text.prefix(1)) }
            }
            var space = correct - actual + leftpad
            if space < 1 { space = dospace }
            space = min(space, 144)
            if space > 0 { out += String(repeating: " ", count: space) }
            out += text
            if last { break }
            actual += space + text.count
            correct += col.width + legit + 1
            dospace = 1
        }
        return out
    }
}
