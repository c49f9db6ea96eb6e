// `import Slipstream` brings the whole public API: every stage module, re-exported.
@_exported import SlipstreamCore
@_exported import SlipstreamInput
@_exported import SlipstreamJSON
@_exported import SlipstreamFIT
@_exported import SlipstreamSummaries
@_exported import SlipstreamStream
@_exported import SlipstreamOutput
@_exported import SlipstreamBatch
