/** GET /privacy: the privacy policy a published GPT must link to, as HTML or JSON. */
import { contactLink, escapeHtml, page } from './html.js'

export function privacyPolicy (contact: string) {
  return {
    service: 'Tic-tac-toe opponent',
    received: 'The board (the nine cells), the player\'s chosen cell, the AI side and the difficulty; and, as with any web request, the caller\'s ' +
      'network address and request headers. ChatGPT also sends conversation, GPT and ephemeral user identifiers.',
    chat_hosts: 'Through the MCP door (ChatGPT apps and connectors, Claude, other MCP clients), a host may send more with each call. ChatGPT sends an ' +
      'anonymized user identifier (openai/subject), a session identifier, the locale, the browser\'s user agent and a coarse location (city, region, ' +
        'country, time zone). The service uses the anonymized user identifier only to count that person\'s calls for one minute, so each player has ' +
          'their own allowance, and ignores the rest. Claude sends no user identifier. With sign-in, the access token\'s subject is used the same ' +
            'way, and the token itself is checked and never kept.',
    logged: 'For each request: the time, method, route, status, response time, a random request id, and ChatGPT\'s conversation and GPT identifiers ' +
      'when sent; for a signed-in call, a short one-way hash of the subject, so one person\'s calls can be followed without naming them. Not logged: ' +
        'the board, network addresses, user identifiers, session, locale, user agent, location, or credentials.',
    retention: 'Nothing is stored by the service itself. Rate limiting keeps a per-caller counter in memory (or in the operator\'s Redis) for one ' +
      'minute. Logs are kept by the platform that runs this deployment, for as long as its operator configures.',
    personal_data: 'No account, name, e-mail, cookie or tracking. No data is sold or shared, and none is used to train models.',
    contact
  }
}

export function privacyPage (contact: string): string {
  const policy = privacyPolicy(contact)
  return page('Privacy policy: tic-tac-toe opponent', `
<h1>Privacy policy</h1>
<p>This service plays tic-tac-toe moves for chats such as ChatGPT and Claude. It needs nothing about you to do that.</p>
<h2>What it receives</h2><p>${escapeHtml(policy.received)}</p>
<h2>What chat hosts send</h2><p>${escapeHtml(policy.chat_hosts)}</p>
<h2>What it logs</h2><p>${escapeHtml(policy.logged)}</p>
<h2>How long</h2><p>${escapeHtml(policy.retention)}</p>
<h2>Personal data</h2><p>${escapeHtml(policy.personal_data)}</p>
<h2>Contact</h2><p>${contactLink(contact)}</p>
`)
}
