@_exported import SlipstreamBatch
// `import Slipstream` brings the whole public API: every stage module, re-exported.
@_exported import SlipstreamCore
@_exported import SlipstreamFIT
@_exported import SlipstreamInput
@_exported import SlipstreamJSON
@_exported import SlipstreamOutput
@_exported import SlipstreamStream
@_exported import SlipstreamSummaries
