// oidc-provider ships no types; the tests use a few of its calls, typed where they are used.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  interface Grant {
    addOIDCScope: (scope: string) => void
    addResourceScope: (resource: string, scope: string) => void
    save: () => Promise<string>
  }

  export default class Provider {
    constructor (issuer: string, configuration: Record<string, unknown>)
    callback (): (request: IncomingMessage, response: ServerResponse) => void
    interactionDetails (
      request: IncomingMessage,
      response: ServerResponse
    ): Promise<{ prompt: { name: string; details: unknown }; params: Record<string, unknown> }>
    interactionFinished (
      request: IncomingMessage,
      response: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean }
    ): Promise<void>
    Grant: new (properties: { accountId: string; clientId: string }) => Grant
  }
}
