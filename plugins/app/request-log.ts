/**
 * One log line per request (method, route, status, time, request id), with ChatGPT's conversation
 * and GPT ids when present so a game can be followed across calls. Headers are never logged as a
 * whole: that is what keeps `authorization` out of the logs (the logger also redacts it).
 */
import fp from 'fastify-plugin'

const CHATGPT_HEADERS = { 'openai-conversation-id': 'conversationId', 'openai-gpt-id': 'gptId' } as const

export default fp(async fastify => {
  fastify.addHook('onRequest', async request => {
    const bindings: Record<string, string> = {}
    for (const [header, key] of Object.entries(CHATGPT_HEADERS)) {
      const value = request.headers[header]
      if (typeof value === 'string' && value !== '') bindings[key] = value.slice(0, 100)
    }
    if (Object.keys(bindings).length > 0) request.log = request.log.child(bindings)
  })

  fastify.addHook('onResponse', async (request, reply) => {
    request.log.info({
      method: request.method,
      route: request.routeOptions.url ?? 'not found',
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100
    }, 'request')
  })
}, { name: 'request-log', fastify: '5.x' })
