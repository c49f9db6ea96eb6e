// A provider's (a device's) own summary values that its own samples contradict: values that no rule
// over those samples can give. Some devices and apps write them (an average of 0 for "no value", a
// maximum no sample reaches, a distance past their own odometer); they are kept under
// slipstream.provider as written, the samples' values fill Terra's fields, and a note says so.
//
//     0 where the samples carry the quantity          avg_hr_bpm 0, 4,000 heart rate samples
//     a maximum over 25 % above every sample          max_watts 62,854, samples ≤ 455
//     a distance over 25 % past the samples' own      distance 32,172 m, samples reach 405.8 m
//     a climb over 25 % past every step up added up   gain 909 m, samples never climb

import SlipstreamCore

extension Summarizer {
    /// Notes on the provider values (`field`, value) that the activity's samples contradict.
    public static func contradictions(
        provider: [(field: SummaryField, value: Double)], summary: ActivitySummary, columns: ActivityColumns
    ) -> [String] {
        let steps = elevationSteps(columns[.elevation].values)
        return provider.compactMap { field, value -> String? in
            guard let computed = summary.number(field) else { return nil }
            let path = "slipstream.provider's \(field.dottedPath) (\(format(value)))"
            if value == 0 && computed > 0 {
                return
                    "\(path) is 0 while the samples give \(format(computed)): a provider that writes 0 for no value; the samples' value stands"
            }
            let reach: Double?
            switch field {
            case .maxHeartRate, .maxWatts, .maxCadence, .maxSpeed, .distance: reach = computed
            case .elevationGain: reach = steps.up
            case .elevationLoss: reach = steps.down
            default: reach = nil
            }
            guard let reach, value > 1.25 * reach + 1 else { return nil }
            return
                "\(path) is beyond anything the samples give (\(format(reach)) at the most): the samples' value stands"
        }
    }

    /// Every step up and every step down of the elevation samples, added up: the most any
    /// climbing rule could count.
    private static func elevationSteps(_ values: ContiguousArray<Double>) -> (up: Double, down: Double) {
        var (up, down) = (0.0, 0.0)
        for i in values.indices.dropFirst() {
            let step = values[i] - values[i - 1]
            if step > 0 { up += step } else { down -= step }
        }
        return (up, down)
    }

    private static func format(_ value: Double) -> String {
        let hundredths = (value * 100).rounded() / 100
        return hundredths == hundredths.rounded() ? "\(Int(hundredths))" : "\(hundredths)"
    }
}
