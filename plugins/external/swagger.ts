/**
 * The OpenAPI document, generated from the routes' TypeBox schemas, and Swagger UI at /docs.
 * The document is OpenAPI 3.1.0 (what the GPT editor accepts); it gets its single `servers`
 * entry per request in routes/openapi.ts. With API_KEY set it declares exactly one bearer scheme.
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import { packageInfo } from '../package-info.js'

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
  await fastify.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiConfig: { validatorUrl: null, displayOperationId: true, defaultModelsExpandDepth: -1 },
    staticCSP: false,
    // Its pages are HTML: the security headers meant for documents.
    uiHooks: { onRequest: fastify.documentHeaders }
  })
}, { name: 'swagger', fastify: '5.x', dependencies: ['config', 'helmet'] })
