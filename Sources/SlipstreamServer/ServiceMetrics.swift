// `GET /metrics` in Prometheus' text format: requests by route, method and status, their durations,
// ingested bytes and activities, and time spent in the database by operation. Each server has its
// own registry (no process-wide state), so tests can read what one server counted.

import Foundation
import Hummingbird
import Prometheus
import SlipstreamDelivery
import SlipstreamStorage

public final class ServiceMetrics: DeliveryObserver {
    public let registry = PrometheusCollectorRegistry()
    private static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
        .seconds(10),
    ]

    public init() {}

    func request(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "slipstream", metricName: "http_requests", unitName: "total",
                helpText: "HTTP requests answered"),
            labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "slipstream", metricName: "http_request_duration", unitName: "seconds",
                helpText: "Time to answer"),
            labels: [("route", route)], buckets: Self.durationBuckets
        ).record(duration)
    }

    func ingested(bytes: Int, activities: Int) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "slipstream", metricName: "ingested", unitName: "bytes_total",
                helpText: "Request body bytes ingested"),
            labels: []
        ).increment(by: Int64(bytes))
        registry.makeCounter(
            descriptor: .init(
                namespace: "slipstream", metricName: "ingested_activities", unitName: "total",
                helpText: "Activities stored"),
            labels: []
        ).increment(by: Int64(activities))
    }

    func database(_ operation: String, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "slipstream", metricName: "database_duration", unitName: "seconds",
                helpText: "Time in the database"),
            labels: [("operation", operation)], buckets: Self.durationBuckets
        ).record(duration)
    }

    public func deliveryAttempt(status: Int?, outcome: DeliveryOutcome, duration: Duration) {
        let result: String =
            switch outcome {
            case .delivered: "delivered"
            case .retry: "retry"
            case .failed: "failed"
            case .endpointGone: "gone"
            case .skipped: "skipped"
            }
        registry.makeCounter(
            descriptor: .init(
                namespace: "slipstream", metricName: "webhook_attempts", unitName: "total",
                helpText: "Webhook delivery attempts"),
            labels: [("status", status.map(String.init) ?? "none"), ("result", result)]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "slipstream", metricName: "webhook_attempt_duration", unitName: "seconds",
                helpText: "Time of an attempt"),
            labels: [], buckets: Self.durationBuckets
        ).record(duration)
    }

    public func queueDepth(_ pending: Int) {
        registry.makeGauge(
            descriptor: .init(
                namespace: "slipstream", metricName: "webhook_queue", unitName: "messages", helpText: "Messages waiting"
            ),
            labels: []
        ).set(Double(pending))
    }

    func response() -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
}
