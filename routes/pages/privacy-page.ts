/** GET /privacy: the privacy policy a published GPT must link to, as HTML or JSON. */
import { escapeHtml, page } from './html.js'

export function privacyPolicy (contact: string) {
  return {
    service: 'Tic-tac-toe opponent',
    received: 'The board (the nine cells), the player\'s chosen cell, the AI side and the difficulty; and, as with any web request, the caller\'s network address and request headers. ChatGPT also sends conversation, GPT and ephemeral user identifiers.',
    logged: 'For each request: the time, method, route, status, response time, a random request id, and ChatGPT\'s conversation and GPT identifiers when sent. Not logged: the board, network addresses, user identifiers, or credentials.',
    retention: 'Nothing is stored by the service itself. Rate limiting keeps a per-caller counter in memory for one minute. Logs are kept by the platform that runs this deployment, for as long as its operator configures.',
    personal_data: 'No account, name, e-mail, cookie or tracking. No data is sold or shared, and none is used to train models.',
    contact
  }
}

export function privacyPage (contact: string): string {
  const policy = privacyPolicy(contact)
  const contactHtml = /^https?:\/\//.test(contact)
    ? `<a href="${escapeHtml(contact)}">${escapeHtml(contact)}</a>`
    : contact.includes('@') ? `<a href="mailto:${escapeHtml(contact)}">${escapeHtml(contact)}</a>` : escapeHtml(contact)
  return page('Privacy policy: tic-tac-toe opponent', `
<h1>Privacy policy</h1>
<p>This service plays tic-tac-toe moves for chats such as ChatGPT. It needs nothing about you to do that.</p>
<h2>What it receives</h2><p>${escapeHtml(policy.received)}</p>
<h2>What it logs</h2><p>${escapeHtml(policy.logged)}</p>
<h2>How long</h2><p>${escapeHtml(policy.retention)}</p>
<h2>Personal data</h2><p>${escapeHtml(policy.personal_data)}</p>
<h2>Contact</h2><p>${contactHtml}</p>
`)
}
