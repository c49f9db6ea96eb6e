// Sports-science summaries over one channel's columns, one file per metric family, each named
// after its section of docs/METRICS.md (definitions and references): Weights.swift, HeartRate.swift,
// Elevation.swift, Power.swift, Motion.swift, Position.swift. Pure functions: values and times
// in, numbers out.

import SlipstreamCore

/// Metrics over one channel's columns.
public enum Metrics {}
