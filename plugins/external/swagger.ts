/**
 * The OpenAPI 3.1.0 document, generated from the routes' TypeBox schemas, and Swagger UI at /docs,
 * loaded on the first visit (a Fastify instance of its own then), not at start, which every replica's
 * first move would pay for.
 */
import swagger from '@fastify/swagger'
import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { packageInfo } from '../../lib/files.js'

declare module 'fastify' {
  interface FastifySchema {
    /** false lets the GPT offer "Always allow" (the action changes nothing outside the game). */
    'x-openai-isConsequential'?: boolean
  }
}

export const BEARER_SCHEME = 'bearerAuth'

/** Where Swagger UI lives (its page, scripts and styles). */
export const DOCS_PREFIX = '/docs'

export default fp(async fastify => {
  const protectedByKey = fastify.config.API_KEY !== undefined
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tic-tac-toe opponent',
        version: packageInfo.version,
        description: 'A perfect tic-tac-toe opponent for chats: send the board and the player\'s move, get the AI\'s move, the new board and the result.'
      },
      ...(protectedByKey
        ? {
            components: { securitySchemes: { [BEARER_SCHEME]: { type: 'http', scheme: 'bearer' } } },
            security: [{ [BEARER_SCHEME]: [] }]
          }
        : {})
    }
  })

  let docs: Promise<FastifyInstance> | undefined
  const swaggerUiApp = async (): Promise<FastifyInstance> => {
    const { default: swaggerUi } = await import('@fastify/swagger-ui')
    const app = Fastify()
    await app.register(swagger, { mode: 'static', specification: { document: fastify.swagger() as never } })
    await app.register(swaggerUi, {
      routePrefix: DOCS_PREFIX,
      uiConfig: { validatorUrl: null, displayOperationId: true, defaultModelsExpandDepth: -1 },
      staticCSP: false
    })
    await app.ready()
    return app
  }
  fastify.addHook('onClose', async () => { if (docs !== undefined) await (await docs).close() })
  // Every answer but these hop-by-hop ones is passed on as Swagger UI gave it.
  const NOT_PASSED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date', 'content-length'])
  for (const url of [DOCS_PREFIX, `${DOCS_PREFIX}/*`]) {
    fastify.route({
      method: ['GET', 'HEAD'],
      url,
      schema: { hide: true },
      // Its pages are HTML: the security headers meant for documents.
      onRequest: fastify.documentHeaders,
      handler: async (request, reply) => {
        const app = await (docs ??= swaggerUiApp())
        const answer = await app.inject({ method: request.method as 'GET', url: request.url, headers: request.headers })
        for (const [name, value] of Object.entries(answer.headers)) if (!NOT_PASSED.has(name) && value !== undefined) reply.header(name, value)
        return await reply.code(answer.statusCode).send(answer.rawPayload)
      }
    })
  }
}, { name: 'swagger', fastify: '5.x', dependencies: ['config', 'helmet'] })
