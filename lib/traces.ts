/**
 * Traces as the service's code sees them: a named span around a step, its attributes, and how it
 * failed. OpenTelemetry stands behind it (lib/otel.ts) only when an OTLP endpoint is configured,
 * and is loaded only then; otherwise a span is its work alone, and nothing of OpenTelemetry loads.
 */

export type SpanAttributes = Record<string, string | number | boolean>

export interface SpanOptions {
  attributes?: SpanAttributes
  /**
   * Where the caller may have put its trace context (`traceparent`, `tracestate`), such as a
   * 2026-07-28 MCP request's `_meta`: when it holds one, the span continues the caller's trace
   * (linked to the request's span) instead of being a child of the active span.
   */
  carrier?: unknown
  /** A span the service starts for a caller's request (an MCP method), rather than a step of one. */
  server?: boolean
}

/** What a step may say on its span. */
export interface StepSpan {
  set: (attributes: SpanAttributes) => void
  /** Marks the span failed; `type` is a class of error (a status, an error's name), never a message. */
  fail: (type: string) => void
}

export interface Tracing {
  /** Whether spans are recorded and exported. */
  enabled: boolean
  /** Runs `work` in a span named `name` (a child of the active span), which ends when the work does. */
  span: <T>(name: string, options: SpanOptions, work: (span: StepSpan) => T) => T
  /** The active span's trace id, for the log line that goes with it. */
  traceId: () => string | undefined
}

const NO_SPAN: StepSpan = { set: () => {}, fail: () => {} }

/** Tracing off: the work alone, at the cost of one call. */
export const NO_TRACING: Tracing = {
  enabled: false,
  span: (_name, _options, work) => work(NO_SPAN),
  traceId: () => undefined
}
