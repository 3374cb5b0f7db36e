/**
 * An OTLP/HTTP receiver on a loopback port, for the tests: it takes what an OpenTelemetry exporter
 * posts to /v1/traces, in either encoding (protobuf, read here from the wire format with the
 * fields of opentelemetry-proto's trace.proto; or JSON), and keeps the spans, each with its
 * resource's service name. `status` makes it answer with an error instead.
 */
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedSpan {
  service: string
  traceId: string
  spanId: string
  parentSpanId: string
  name: string
  /** 1 internal, 2 server (SpanKind + 1, as OTLP numbers them). */
  kind: number
  attributes: Record<string, unknown>
  /** 0 unset, 1 ok, 2 error. */
  status: number
  links: Array<{ traceId: string, spanId: string }>
}

export interface Receiver {
  url: string
  spans: ReceivedSpan[]
  /** The content types of the posts received. */
  contentTypes: string[]
  /** The status the receiver answers with (200 by default). */
  status: number
  /** Resolves once a span named `name` has come (or rejects after `ms`). */
  waitFor: (name: string, ms?: number) => Promise<ReceivedSpan>
  close: () => Promise<void>
}

// ---- protobuf's wire format: just enough to read a trace export ----

type Fields = Map<number, Array<bigint | Buffer>>

function fieldsOf (buffer: Buffer): Fields {
  const fields: Fields = new Map()
  let at = 0
  const varint = (): bigint => {
    let value = 0n
    let shift = 0n
    for (;;) {
      const byte = buffer[at++]
      value |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return value
      shift += 7n
    }
  }
  while (at < buffer.length) {
    const key = Number(varint())
    const [number, wire] = [key >> 3, key & 7]
    let value: bigint | Buffer
    if (wire === 0) value = varint()
    else if (wire === 1) { value = buffer.readBigUInt64LE(at); at += 8 } else if (wire === 5) { value = BigInt(buffer.readUInt32LE(at)); at += 4 } else {
      const length = Number(varint())
      value = buffer.subarray(at, at + length)
      at += length
    }
    fields.set(number, [...(fields.get(number) ?? []), value])
  }
  return fields
}

const all = (fields: Fields, number: number): Buffer[] => (fields.get(number) ?? []) as Buffer[]
const one = (fields: Fields, number: number): Buffer | undefined => all(fields, number)[0]
const text = (fields: Fields, number: number): string => one(fields, number)?.toString('utf8') ?? ''
const hex = (fields: Fields, number: number): string => one(fields, number)?.toString('hex') ?? ''
const int = (fields: Fields, number: number): number => Number((fields.get(number)?.[0] as bigint | undefined) ?? 0n)

function anyValue (fields: Fields): unknown {
  if (fields.has(1)) return text(fields, 1)
  if (fields.has(2)) return int(fields, 2) === 1
  if (fields.has(3)) return int(fields, 3)
  return undefined
}

const attributesOf = (list: Buffer[]): Record<string, unknown> => Object.fromEntries(list.map(entry => {
  const pair = fieldsOf(entry)
  return [text(pair, 1), anyValue(fieldsOf(one(pair, 2) ?? Buffer.alloc(0)))]
}))

function fromProtobuf (body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = []
  for (const resourceSpans of all(fieldsOf(body), 1)) {
    const rs = fieldsOf(resourceSpans)
    const service = String(attributesOf(all(fieldsOf(one(rs, 1) ?? Buffer.alloc(0)), 1))['service.name'])
    for (const scopeSpans of all(rs, 2)) {
      for (const raw of all(fieldsOf(scopeSpans), 2)) {
        const span = fieldsOf(raw)
        spans.push({
          service,
          traceId: hex(span, 1),
          spanId: hex(span, 2),
          parentSpanId: hex(span, 4),
          name: text(span, 5),
          kind: int(span, 6),
          attributes: attributesOf(all(span, 9)),
          status: int(fieldsOf(one(span, 15) ?? Buffer.alloc(0)), 3),
          links: all(span, 13).map(link => ({ traceId: hex(fieldsOf(link), 1), spanId: hex(fieldsOf(link), 2) }))
        })
      }
    }
  }
  return spans
}

// ---- JSON ----

interface JsonKeyValue { key: string, value: { stringValue?: string, boolValue?: boolean, intValue?: string | number } }
const jsonAttributes = (list: JsonKeyValue[] = []): Record<string, unknown> => Object.fromEntries(list.map(({ key, value }) =>
  [key, value.stringValue ?? value.boolValue ?? (value.intValue === undefined ? undefined : Number(value.intValue))]))

function fromJson (body: Buffer): ReceivedSpan[] {
  const request = JSON.parse(body.toString('utf8'))
  const spans: ReceivedSpan[] = []
  for (const rs of request.resourceSpans ?? []) {
    const service = String(jsonAttributes(rs.resource?.attributes)['service.name'])
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        spans.push({
          service,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name,
          kind: span.kind,
          attributes: jsonAttributes(span.attributes),
          status: span.status?.code ?? 0,
          links: (span.links ?? []).map((link: { traceId: string, spanId: string }) => ({ traceId: link.traceId, spanId: link.spanId }))
        })
      }
    }
  }
  return spans
}

export async function otlpReceiver (): Promise<Receiver> {
  const waiting = new Set<() => void>()
  const receiver: Receiver = {
    url: '',
    spans: [],
    contentTypes: [],
    status: 200,
    waitFor: async (name, ms = 10_000) => await new Promise((resolve, reject) => {
      const check = (): void => {
        const found = receiver.spans.find(span => span.name === name)
        if (found === undefined) return
        waiting.delete(check)
        clearTimeout(timer)
        resolve(found)
      }
      const timer = setTimeout(() => {
        waiting.delete(check)
        reject(new Error(`no span named ${JSON.stringify(name)} within ${ms} ms; got ${JSON.stringify(receiver.spans.map(span => span.name))}`))
      }, ms)
      waiting.add(check)
      check()
    }),
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    }
  }
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const type = request.headers['content-type'] ?? ''
      receiver.contentTypes.push(type)
      if (receiver.status !== 200) {
        response.writeHead(receiver.status, { 'content-type': 'text/plain' }).end('refused')
        return
      }
      const body = Buffer.concat(chunks)
      receiver.spans.push(...(type.includes('json') ? fromJson(body) : fromProtobuf(body)))
      for (const check of [...waiting]) check()
      response.writeHead(200, { 'content-type': type }).end(type.includes('json') ? '{}' : '')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return receiver
}
