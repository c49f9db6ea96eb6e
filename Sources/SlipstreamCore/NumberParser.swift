// Locale-free conversion of JSON number text (as yajl hands it over, already validated) to Double.
//
// yajl's own conversion calls strtod, which follows the process locale: under a comma locale
// "3.5" becomes 3. This parser never looks at the locale.
//
// Fast path (Clinger): when the decimal significand fits in 53 bits and the power of ten is at
// most 22, `significand * 10^e` or `significand / 10^e` is one correctly rounded operation, so the
// result is exact. Everything else (more than 15-16 significant digits, large exponents, integers
// past Int64) goes to the standard library's correctly rounded, locale-independent parser.
//
//     "142"       -> 142          fast: 142 * 10^0
//     "-3.25"     -> -3.25        fast: -(325 / 10^2)
//     "1.5E-3"    -> 0.0015       fast: 15 / 10^4
//     "12345678901234567890" -> 1.2345678901234567e19   slow path

package enum NumberParser {
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses JSON number text. Returns nil only for text that is not a JSON number.
    package static func parse(_ bytes: UnsafeRawBufferPointer) -> Double? {
        if let value = parseShortDecimal(bytes) { return value }
        return parseAny(bytes)
    }

    /// The common case, sample values such as `142`, `-3.25` or `45.070279`: at most 17 bytes, no
    /// exponent, so at most 17 digits and no overflow check per digit. Nil means "not this case":
    /// `parseAny` decides.
    @inline(__always)
    private static func parseShortDecimal(_ bytes: UnsafeRawBufferPointer) -> Double? {
        let count = bytes.count
        guard count > 0, count <= 17 else { return nil }
        let negative = bytes[0] == UInt8(ascii: "-")
        let firstDigit = negative ? 1 : 0
        var significand: UInt64 = 0
        var dot = -1
        var index = firstDigit
        while index < count {
            let byte = bytes[index]
            let d = byte &- 48
            if d < 10 {
                significand = significand &* 10 &+ UInt64(d)
            } else if byte == UInt8(ascii: "."), dot < 0 {
                dot = index
            } else {
                return nil
            }
            index += 1
        }
        guard count > firstDigit, dot != firstDigit, dot != count - 1, significand <= (1 << 53) else { return nil }
        var value = Double(significand)
        if dot > 0 { value /= exactPowersOfTen[count - 1 - dot] }
        return negative ? -value : value
    }

    private static func parseAny(_ bytes: UnsafeRawBufferPointer) -> Double? {
        let count = bytes.count
        guard count > 0 else { return nil }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        var significand: UInt64 = 0
        var digits = 0  // significant digits accumulated (leading zeros excluded)
        var exponent = 0
        var sawDigit = false
        var overflowed = false

        while index < count, case let d = bytes[index] &- 48, d < 10 {
            sawDigit = true
            if digits < 19 {
                significand = significand &* 10 &+ UInt64(d)
                if significand != 0 { digits += 1 }
            } else {
                overflowed = true
                exponent += 1
            }
            index += 1
        }
        if index < count, bytes[index] == UInt8(ascii: ".") {
            guard sawDigit else { return nil }
            index += 1
            let firstFractionDigit = index
            while index < count, case let d = bytes[index] &- 48, d < 10 {
                sawDigit = true
                if digits < 19 {
                    significand = significand &* 10 &+ UInt64(d)
                    if significand != 0 { digits += 1 }
                    exponent -= 1
                } else {
                    overflowed = true
                }
                index += 1
            }
            guard index > firstFractionDigit else { return nil }
        }
        guard sawDigit else { return nil }
        if index < count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var explicit = 0
            var sawExponentDigit = false
            while index < count, case let d = bytes[index] &- 48, d < 10 {
                sawExponentDigit = true
                if explicit < 100_000 { explicit = explicit * 10 + Int(d) }
                index += 1
            }
            guard sawExponentDigit else { return nil }
            exponent += exponentNegative ? -explicit : explicit
        }
        guard index == count else { return nil }

        if !overflowed, significand <= (1 << 53), exponent >= -22, exponent <= 22 {
            var value = Double(significand)
            if exponent >= 0 {
                value *= exactPowersOfTen[exponent]
            } else {
                value /= exactPowersOfTen[-exponent]
            }
            return negative ? -value : value
        }
        if significand == 0 && !overflowed {
            return negative ? -0.0 : 0.0
        }
        return slowParse(bytes)
    }

    @inline(never)
    private static func slowParse(_ bytes: UnsafeRawBufferPointer) -> Double? {
        Double(String(decoding: bytes, as: UTF8.self))
    }
}
