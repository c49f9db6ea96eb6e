// Text and numbers as they go into SVG: every text escaped, numbers in fixed decimals without
// Foundation (coordinates to 0.1 px, table values to the channel's precision); the opening tag
// every picture shares.

package enum SVGText {
    /// Text attributes for a picture's `<g>` of labels (inherited by its `<text>`s), but the colour.
    static let font = #"font-family="system-ui, sans-serif" font-size="11""#

    /// `<svg … role="img" aria-label="LABEL" viewBox="0 0 W H" …>` and its `<title>`, and a white
    /// background; `placement` (`x`, `y`, `width`, `height`) when nested in a sheet.
    static func open(_ kind: PictureKind, width: Int, height: Int, placement: String) -> String {
        let label = escaped(kind.label)
        return #"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label=""# + label
            + #"" viewBox="0 0 \#(width) \#(height)"\#(placement) class="slipstream-picture picture-\#(kind.rawValue)">"#
            + "<title>\(label)</title>"
            + ##"<rect class="background" width="\##(width)" height="\##(height)" fill="#fff"/>"##
    }

    /// `text` safe inside an element or a quoted attribute: & < > " ' as entities.
    package static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 })
        else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// `value` rounded to `decimals` places, trailing zeros dropped: 12.50 -> "12.5", 3.0 -> "3",
    /// -0.04 at one place -> "0". Not finite or beyond 1e15: "0".
    package static func number(_ value: Double, decimals: Int = 1) -> String {
        var text = ""
        append(value, decimals: decimals, to: &text)
        return text
    }

    /// ``number(_:decimals:)`` appended to `text`, for paths of a thousand points.
    static func append(_ value: Double, decimals: Int = 1, to text: inout String) {
        var scale = 1
        for _ in 0..<max(0, decimals) { scale *= 10 }
        let scaled = (value * Double(scale)).rounded()
        guard scaled.isFinite, abs(scaled) < 1e15 else {
            text += "0"
            return
        }
        let whole = Int(scaled)
        if whole < 0 { text += "-" }
        let magnitude = whole.magnitude
        text += String(magnitude / UInt(scale))
        var fraction = magnitude % UInt(scale)
        guard fraction > 0 else { return }
        var width = max(0, decimals)
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        let digits = String(fraction)
        text += "." + String(repeating: "0", count: width - digits.count) + digits
    }
}
