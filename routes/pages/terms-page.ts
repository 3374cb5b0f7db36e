/** GET /terms: the terms of use a plugin directory asks for beside the privacy policy, as HTML or JSON. */
import { contactLink, escapeHtml, page } from './html.js'

export function termsOfUse (contact: string) {
  return {
    service: 'Tic-tac-toe opponent',
    what: 'The service plays the AI\'s moves in games of tic-tac-toe for chats such as ChatGPT and Claude, and for anyone who calls its API.',
    use: 'Use it to play. Do not use it to overload, probe or disrupt it: calls are limited per player and per address, and calls past the ' +
      'limits are refused.',
    availability: 'It is offered as it is, without any warranty, and may change, pause or stop at any time. Its operator is not liable for any ' +
      'loss from using it, as far as the law allows.',
    data: 'What it receives and keeps is said in its privacy policy, at /privacy.',
    source: 'Its code is open source under the MIT license.',
    contact
  }
}

export function termsPage (contact: string): string {
  const terms = termsOfUse(contact)
  return page('Terms of use: tic-tac-toe opponent', `
<h1>Terms of use</h1>
<p>${escapeHtml(terms.what)}</p>
<h2>Fair use</h2><p>${escapeHtml(terms.use)}</p>
<h2>As it is</h2><p>${escapeHtml(terms.availability)}</p>
<h2>Your data</h2><p>${escapeHtml(terms.data).replace('/privacy', '<a href="/privacy">/privacy</a>')}</p>
<h2>Source</h2><p>${escapeHtml(terms.source)}</p>
<h2>Contact</h2><p>${contactLink(contact)}</p>
`)
}
