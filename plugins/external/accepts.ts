/** Content negotiation (`request.accepts()`), for pages that answer HTML or JSON. */
import accepts from '@fastify/accepts'
import fp from 'fastify-plugin'

export default fp(async fastify => {
  await fastify.register(accepts)
}, { name: 'accepts', fastify: '5.x' })
