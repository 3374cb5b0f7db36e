/**
 * Tracing with OpenTelemetry, loaded only with an OTLP endpoint (plugins/external/otel.ts): the Node
 * SDK's tracer provider, OTLP/HTTP export in batches, and @fastify/otel for a span per request;
 * sampler, headers and resource attributes from OpenTelemetry's own variables.
 */
import {
  type Context, DiagLogLevel, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, context, defaultTextMapGetter, diag, propagation, trace
} from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { FastifyOtelInstrumentation } from '@fastify/otel'
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources'
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import type { FastifyBaseLogger, FastifyPluginCallback } from 'fastify'
import type { StepSpan, Tracing } from './traces.js'

export interface TraceExport {
  /** Where spans are posted (the traces endpoint itself, /v1/traces included). */
  url: string
  protocol: 'http/protobuf' | 'http/json'
  serviceName: string
  serviceVersion: string
}

export interface Tracer {
  tracing: Tracing
  /** @fastify/otel's plugin: a span for every request, continuing the caller's `traceparent`. */
  plugin: FastifyPluginCallback
  /** Sends what is left, within `SHUTDOWN_MS`, then lets OpenTelemetry go. */
  shutdown: () => Promise<void>
}

/**
 * How long a stop waits for the last spans to be sent: well within the stop's budget after the
 * requests in flight (server.ts), so an endpoint that hangs or refuses never makes the stop late.
 */
export const SHUTDOWN_MS = 1500
/** At most one warning this often while the endpoint cannot be reached. */
export const WARN_EVERY_MS = 60_000

export async function startTracing (options: TraceExport, log: FastifyBaseLogger): Promise<Tracer> {
  // OpenTelemetry says what goes wrong (an endpoint that refuses, times out or answers an error) on
  // its diagnostic channel: a warning in the log, at most one a minute, however many batches fail.
  let lastWarning = -Infinity
  const otlp = new URL(options.url).host
  const warn = (message: string): void => {
    if (performance.now() - lastWarning < WARN_EVERY_MS) return
    lastWarning = performance.now()
    log.warn({ otlp, error: String(message).slice(0, 300) }, 'traces could not be sent (told at most once a minute)')
  }
  // (Below WARN nothing is passed on: the other levels are never called.)
  diag.setLogger({ error: warn, warn, info: warn, debug: warn, verbose: warn }, DiagLogLevel.WARN)

  const { OTLPTraceExporter } = options.protocol === 'http/json'
    ? await import('@opentelemetry/exporter-trace-otlp-http')
    : await import('@opentelemetry/exporter-trace-otlp-proto')
  const resource = resourceFromAttributes({ 'service.name': options.serviceName, 'service.version': options.serviceVersion })
    .merge(detectResources({ detectors: [envDetector] }))
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: options.url }))] })
  // The caller's `traceparent` and `tracestate` are read; its baggage is not (nothing here uses it).
  provider.register({ propagator: new W3CTraceContextPropagator() })
  const tracer = provider.getTracer('tictactoe', options.serviceVersion)

  const instrumentation = new FastifyOtelInstrumentation({
    registerOnInitialization: false,
    // One span for the request, named by its route; the pipeline's spans say what happens within
    // (a span per hook would cost every request more than it tells).
    instrumentHooks: false,
    instrumentHandler: false,
    // A load balancer's health checks are no one's calls.
    ignorePaths: ({ url }) => url === '/health',
    requestHook: (span, request) => span.updateName(`${request.method} ${request.routeOptions.url ?? 'not found'}`)
  })
  instrumentation.setTracerProvider(provider)

  const fail = (span: Span, type: string): void => {
    span.setAttribute('error.type', type)
    span.setStatus({ code: SpanStatusCode.ERROR })
  }
  const stepSpan = (span: Span): StepSpan => ({ set: attributes => span.setAttributes(attributes), fail: type => fail(span, type) })

  /** The caller's context from a carrier, or undefined when it holds no valid `traceparent`. */
  function callerContext (carrier: unknown): Context | undefined {
    if (carrier === null || typeof carrier !== 'object') return undefined
    // (The propagator takes only a string: anything else in `_meta.traceparent` is no context.)
    const extracted = propagation.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter)
    return trace.getSpanContext(extracted) === undefined ? undefined : extracted
  }

  const tracing: Tracing = {
    enabled: true,
    span: (name, { attributes, carrier, server = false }, work) => {
      const active = context.active()
      const caller = callerContext(carrier)
      // Continuing the caller's trace, the span is linked to the one it would have been a child of.
      const linked = caller === undefined ? undefined : trace.getSpanContext(active)
      const parent = caller ?? active
      const span = tracer.startSpan(name, {
        kind: server ? SpanKind.SERVER : SpanKind.INTERNAL,
        attributes,
        ...(linked !== undefined ? { links: [{ context: linked }] } : {})
      }, parent)
      // A thrown error is told by its class (its message may hold anything), and goes on.
      const failed = (error: unknown): never => {
        fail(span, String(Object(error).constructor.name))
        span.end()
        throw error
      }
      let result
      try {
        result = context.with(trace.setSpan(parent, span), work, undefined, stepSpan(span))
      } catch (error) {
        return failed(error)
      }
      if (!(result instanceof Promise)) {
        span.end()
        return result
      }
      return result.then(value => {
        span.end()
        return value
      }, failed) as typeof result
    },
    traceId: () => trace.getSpanContext(context.active())?.traceId
  }

  async function shutdown (): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      provider.shutdown().catch((error: Error) => warn(error.message)),
      new Promise(resolve => { timer = setTimeout(resolve, SHUTDOWN_MS) })
    ])
    clearTimeout(timer)
    // Global state: an app built again in the same process (the tests) registers its own.
    instrumentation.disable()
    trace.disable()
    context.disable()
    propagation.disable()
    diag.disable()
  }

  return { tracing, plugin: instrumentation.plugin(), shutdown }
}
