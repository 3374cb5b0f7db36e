/** The pages' shared frame: escaping, a copyable field, and the layout with its small stylesheet. */

export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

let copyId = 0

/** A read-only field with a Copy button (the button works through /assets/copy.js). */
export function copyable (value: string, multiline = false): string {
  const id = `copy-${++copyId}`
  const field = multiline
    ? `<textarea id="${id}" readonly rows="${Math.ceil(value.length / 70) + value.split('\n').length}">${escapeHtml(value)}</textarea>`
    : `<input id="${id}" readonly value="${escapeHtml(value)}">`
  return `<div class="copy">${field}<button type="button" data-copy="${id}">Copy</button></div>`
}

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.copy { display: flex; gap: .5rem; margin: .5rem 0; }
.copy input, .copy textarea { flex: 1; font: 14px ui-monospace, monospace; padding: .4rem; border: 1px solid #aaa; border-radius: 4px; }
button { padding: .4rem .9rem; border: 1px solid #555; border-radius: 4px; background: #f4f4f4; cursor: pointer; }
code { background: #f0f0f0; padding: 0 .25rem; border-radius: 3px; }
.warning { border-left: 4px solid #b45309; background: #fffbeb; padding: .5rem 1rem; }
footer { margin-top: 3rem; font-size: .9rem; color: #555; }
`

export function page (title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
<footer><a href="/">Setup</a> · <a href="/docs">API docs</a> · <a href="/openapi.json">OpenAPI document</a> · <a href="/privacy">Privacy</a></footer>
<script src="/assets/copy.js"></script>
</body>
</html>
`
}

/** Served as a file, not inline, so the Content-Security-Policy can forbid inline scripts. */
export const COPY_SCRIPT = `document.addEventListener('click', function (event) {
  var id = event.target && event.target.getAttribute && event.target.getAttribute('data-copy');
  if (!id) return;
  var field = document.getElementById(id);
  field.select();
  var done = function () { event.target.textContent = 'Copied'; };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(field.value).then(done, function () {});
  else { document.execCommand('copy'); done(); }
});
`

/** The operator's contact as a link: a URL as it is, an e-mail address as mailto:, anything else as text. */
export const contactLink = (contact: string): string => /^https?:\/\//.test(contact)
  ? `<a href="${escapeHtml(contact)}">${escapeHtml(contact)}</a>`
  : contact.includes('@') ? `<a href="mailto:${escapeHtml(contact)}">${escapeHtml(contact)}</a>` : escapeHtml(contact)
