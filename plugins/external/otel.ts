/**
 * Traces, with an OTLP endpoint set: a span for each request, continuing the caller's `traceparent`,
 * with the spans of what it does within; log lines carry the trace id. Unset (or OTEL_SDK_DISABLED=true),
 * no OpenTelemetry module is loaded and every span is its work alone (docs/configuration.md).
 */
import fp from 'fastify-plugin'
import type { onRequestHookHandler } from 'fastify'
import { packageInfo } from '../../lib/files.js'
import { NO_TRACING, type Tracing } from '../../lib/traces.js'
import type { TraceExport } from '../../lib/otel.js'
import { logWith } from '../../lib/logging.js'
import type { Config } from '../config.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Spans around the steps of a call (lib/traces.ts): recorded only with an OTLP endpoint set. */
    tracing: Tracing
  }
}

/** Where and how traces go, as OpenTelemetry's variables say, or undefined when they go nowhere. */
export function traceExportOf (config: Config, serviceVersion: string): TraceExport | undefined {
  const general = config.OTEL_EXPORTER_OTLP_ENDPOINT
  const url = config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (general === undefined ? undefined : `${general.replace(/\/+$/, '')}/v1/traces`)
  if (url === undefined || config.OTEL_SDK_DISABLED === true) return undefined
  return {
    url,
    protocol: config.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? config.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
    serviceName: config.OTEL_SERVICE_NAME ?? 'tictactoe',
    serviceVersion
  }
}

export default fp(async fastify => {
  const traces = traceExportOf(fastify.config, packageInfo.version)
  if (traces === undefined) {
    fastify.decorate('tracing', NO_TRACING)
    return
  }
  const { startTracing } = await import('../../lib/otel.js')
  const tracer = await startTracing(traces, fastify.log)
  // At the root, before any route: every route's requests get a span.
  await fastify.register(tracer.plugin)
  fastify.decorate('tracing', tracer.tracing)
  // Each request's log lines carry its trace id (the request's span is active from here on).
  const traceIdInLog: onRequestHookHandler = (request, reply, done) => {
    const traceId = tracer.tracing.traceId()
    if (traceId !== undefined) request.log = reply.log = logWith(request, { traceId })
    done()
  }
  fastify.addHook('onRequest', traceIdInLog)
  // After the drain and the last answers (onClose): the spans still in the batch are sent.
  fastify.addHook('onClose', tracer.shutdown)
}, { name: 'tracing', fastify: '5.x', dependencies: ['config'] })
