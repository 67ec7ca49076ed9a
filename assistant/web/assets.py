"""The page's stylesheet and scripts.

Colours are chosen for WCAG 2.1 AA contrast on the light theme (see theme.py); the print
stylesheet expands every clause and hides every control."""

CSS = """
:root, body { color-scheme: light; }
.gradio-container { max-width: 1100px !important; margin: auto;
  overflow: visible !important; overflow-x: clip !important; } /* clip: the input row can stick */
#imc-header h1 { font-size: 1.6rem; margin: 0 0 .2rem 0; } #imc-header p { margin: .15rem 0; }
.imc-disclaimer { color: #374151; }
.imc-privacy { font-size: .9rem; color: #4b5563; }
.imc-chat { display: flex; flex-direction: column; gap: 1.1rem; }
.imc-empty { color: #4b5563; padding: .6rem 0; }
.imc-user { display: flex; justify-content: flex-end; }
.imc-bubble { background: #e6f4f1; color: #111827; border-radius: 14px 14px 2px 14px;
  padding: .55rem .9rem; max-width: 80%; white-space: pre-wrap; overflow-wrap: anywhere; }
.imc-bot { border: 1px solid #d1d5db; border-radius: 12px; padding: .8rem 1rem;
  background: #ffffff; color: #111827; }
.imc-pending { color: #4b5563; font-style: italic; }
.imc-short { font-size: 1.02rem; margin: 0 0 .4rem 0; }
.imc-followup { font-size: .9rem; color: #4b5563; margin: 0 0 .4rem 0; }
.imc-confidence { font-size: .88rem; margin: 0 0 .6rem 0; }
.imc-conf-high strong { color: #0f6b2f; } .imc-conf-medium strong { color: #8a5a00; }
.imc-conf-low strong { color: #a8201a; } .imc-abstain { font-size: 1.05rem; margin: 0 0 .3rem 0; }
h3.imc-cited, .imc-cited, .imc-ref { font-weight: 600; margin: .6rem 0 .4rem 0; font-size: .95rem; }
.imc-nearest { border-left: 4px solid #8a6d00; padding-left: .7rem; margin-top: .5rem; }
.imc-steps { background: #f0faf8; border: 1px solid #9fd8cd; border-radius: 10px;
  padding: .6rem .9rem .5rem .9rem; margin: .4rem 0 .7rem 0; }
h3.imc-steps-title, h3.imc-context-title { font-size: 1rem; margin: 0 0 .1rem 0; }
.imc-steps-note { font-size: .85rem; color: #374151; margin: 0 0 .35rem 0; }
.imc-steps ol { margin: 0; padding-left: 1.6rem; }
.imc-steps li { margin: .25rem 0; line-height: 1.45; }
.imc-action, .imc-ctext { font-style: normal; }
.imc-clause { border: 1px solid #d1d5db; border-radius: 8px; margin: .4rem 0;
  padding: .35rem .7rem; background: #f9fafb; }
.imc-clause summary { cursor: pointer; font-weight: 600; }
.imc-cid { font-family: var(--font-mono); background: #d5efe9; color: #0b3d38;
  border-radius: 4px; padding: 0 .35rem; margin-right: .3rem; text-decoration: none; }
a.imc-cid:hover { text-decoration: underline; }
.imc-tag { font-size: .75rem; font-weight: 500; border: 1px solid #6b7280; color: #374151;
  border-radius: 10px; padding: 0 .45rem; margin-left: .5rem; }
.imc-text { margin: .45rem 0 .35rem 0; padding-left: .8rem; border-left: 3px solid #0f766e;
  line-height: 1.5; }
.imc-situation { border: 1px dashed #8a6d00; background: #fffbeb; border-radius: 6px;
  padding: .35rem .6rem; margin: .3rem 0 .45rem 0; }
.imc-situation-label { font-size: .78rem; font-weight: 600; color: #6b4e00; margin: 0;
  text-transform: uppercase; letter-spacing: .02em; }
.imc-situation-text { font-style: italic; margin: .1rem 0 0 0; color: #1f2937; }
.imc-context { background: #f3f4f6; border-left: 4px solid #4b5563; border-radius: 6px;
  padding: .5rem .8rem; margin: .7rem 0 .3rem 0; }
.imc-context ul { margin: .3rem 0 0 0; padding-left: 1.1rem; }
.imc-context li { margin: .2rem 0; line-height: 1.45; }
.imc-clarify { font-size: 1.05rem; background: #eef6ff; border-left: 4px solid #1d4ed8;
  border-radius: 6px; padding: .5rem .8rem; margin: 0 0 .5rem 0; }
.imc-hint { font-size: .88rem; color: #374151; margin: .2rem 0; }
.imc-actions, .imc-answer-tools, .imc-chat-tools { display: flex; flex-wrap: wrap; gap: .8rem;
  align-items: center; font-size: .85rem; }
.imc-answer-tools { margin-top: .7rem; border-top: 1px solid #e5e7eb; padding-top: .5rem; }
.imc-chat-tools { justify-content: flex-end; }
.imc-copy, .imc-download, .imc-print, .imc-clear-chat { border: 1px solid #6b7280; border-radius: 6px;
  padding: .15rem .6rem; font-size: .85rem !important; font-weight: 500; color: #111827;
  background: #ffffff; cursor: pointer; }
.imc-copy:hover, .imc-download:hover, .imc-print:hover, .imc-clear-chat:hover { background: #f3f4f6; }
.imc-link, .imc-near { color: #115e59; text-decoration: underline; }
.imc-note { font-size: .8rem; color: #4b5563; margin: 0; }
.imc-error { color: #a8201a; margin: 0; } .imc-outline h3 { margin: .6rem 0 .2rem 0; font-size: 1rem; }
.imc-item { margin: .3rem 0 .3rem .4rem; line-height: 1.5; }
.imc-part > summary { font-weight: 700; font-size: 1.05rem; cursor: pointer; margin-top: .5rem; }
.imc-count { font-weight: 400; color: #4b5563; }
.imc-persona { font-weight: 600; margin-bottom: .2rem; }
.imc-preview { font-weight: 400; color: #4b5563; }
details[open] > summary .imc-preview { display: none; }
.imc-related { margin-top: 1rem; border-top: 2px solid #d1d5db; padding-top: .5rem; }
.imc-related > summary { font-weight: 600; cursor: pointer; }
mark { background: #fde68a; color: #111827; padding: 0 .1rem; border-radius: 2px; }
#imc-input-row { position: sticky; bottom: 0; z-index: 20; background: #f9fafb;
  padding: .4rem 0; flex-wrap: nowrap; box-shadow: 0 -6px 10px -8px rgba(0,0,0,.25); }
#imc-ask { min-width: 84px; }
#imc-search textarea, #imc-lookup textarea { border: 1px solid #6b7280 !important;
  border-radius: 6px !important; }
#imc-search .submit-button, #imc-lookup .submit-button { background: #0f766e; color: #ffffff;
  border-radius: 6px; padding: 0 .9rem; font-weight: 600; margin-left: .4rem; }
#imc-search .submit-button:hover, #imc-lookup .submit-button:hover { background: #115e59; }
#imc-hint p { font-size: .9rem; color: #a8201a; margin: 0; }
#imc-announce { position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
.imc-goto { display: none !important; }
.imc-sr { position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
h2.imc-outline-title { font-size: 1.2rem; margin: 1rem 0 .3rem 0; }
a:focus-visible, button:focus-visible, summary:focus-visible, textarea:focus-visible,
input:focus-visible { outline: 3px solid #1d4ed8 !important; outline-offset: 2px; }
"""

# Media queries go into the page's <head> as they are: Gradio scopes the `css` of launch() to its
# main column, which would miss the page padding, the footer and the tab bar.
MEDIA_CSS = """
@media (max-width: 640px) {
  .main.fillable.app { padding-left: 8px !important; padding-right: 8px !important; }
  #imc-header h1 { font-size: 1.25rem; }
  .imc-bubble { max-width: 92%; }
  .imc-bot { padding: .6rem .65rem; }
  #imc-input-row { gap: 6px; }
  #imc-input-row > * { min-width: 0 !important; }
  #imc-input-row > #imc-ask { min-width: 64px !important; flex: 0 0 64px !important; }
}
@media print {
  button, [role="tablist"], footer, #imc-input-row, #imc-hint, .imc-examples, .imc-actions,
  .imc-chat-tools, .imc-goto { display: none !important; }
  details > summary { list-style: none; } details > summary::marker { content: ""; }
  details::details-content { content-visibility: visible !important; }
  details > summary .imc-preview { display: none !important; }
  .imc-clause, .imc-steps, .imc-context, .imc-situation { break-inside: avoid; }
  .gradio-container, body { background: #ffffff !important; }
  .imc-bot { border-color: #9ca3af; }
}
"""

# Delegated handlers, so they work in HTML rendered later: copy buttons (with a fallback for
# plain-http LAN pages where navigator.clipboard is unavailable), download and print of the
# conversation, and clause links, which open in the Browse tab of this page instead of
# reloading it (a reload would lose the conversation).
JS = """
() => {
  const light = () => { document.body.classList.remove('dark');
    document.documentElement.classList.remove('dark'); };
  light();
  new MutationObserver(light).observe(document.body, {attributes: true, attributeFilter: ['class']});
  for (const el of document.querySelectorAll('#imc-announce, #imc-hint, #imc-quiz-status')) {
    el.setAttribute('role', 'status'); el.setAttribute('aria-live', 'polite');
  }
  const copy = (b, text) => {
    const label = b.dataset.label || b.textContent; b.dataset.label = label;
    const done = () => { b.textContent = 'Copied ✓';
      setTimeout(() => { b.textContent = label; }, 1500); };
    const fallback = () => { const t = document.createElement('textarea'); t.value = text;
      document.body.appendChild(t); t.select();
      try { document.execCommand('copy'); done(); } finally { t.remove(); } };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else { fallback(); }
  };
  const download = (b) => {
    const src = b.closest('.imc-chat-tools').querySelector('.imc-transcript');
    const blob = new Blob([src.textContent], {type: 'text/markdown;charset=utf-8'});
    const a = document.createElement('a'); a.href = URL.createObjectURL(blob);
    a.download = b.dataset.filename || 'imc-conversation.md';
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  };
  const goto = (id) => {
    window.__imcGoto = id;
    const b = document.querySelector('#imc-goto');
    if (b) b.click(); else window.location.search = '?clause=' + encodeURIComponent(id);
  };
  document.addEventListener('click', (ev) => {
    const t = ev.target.closest ? ev.target : null;
    if (!t) return;
    const b = t.closest('button.imc-copy');
    if (b) { copy(b, b.dataset.copy || ''); return; }
    if (t.closest('button.imc-download')) { download(t.closest('button.imc-download')); return; }
    if (t.closest('button.imc-print')) { window.print(); return; }
    if (t.closest('button.imc-clear-chat')) {
      const c = document.querySelector('#imc-clear'); if (c) c.click(); return; }
    const a = t.closest('a[href^="?clause="]');
    if (!a || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    goto(new URLSearchParams(a.getAttribute('href').slice(1)).get('clause') || '');
  });
  let opened = [];
  window.addEventListener('beforeprint', () => {
    opened = [...document.querySelectorAll('details:not([open])')];
    opened.forEach((d) => { d.open = true; });
  });
  window.addEventListener('afterprint', () => { opened.forEach((d) => { d.open = false; }); });
}
"""
SCROLL_JS = """
() => { const el = document.querySelector('#imc-chat .imc-last');
  if (el) el.scrollIntoView({block: 'start'}); }
"""
# The goto button's input: the clause id of the link just clicked (set by JS above).
GOTO_JS = "(current) => window.__imcGoto || current"
SHOW_RESULT_JS = """
() => { const el = document.querySelector('#imc-browse-result');
  if (el) el.scrollIntoView({block: 'start'}); }
"""
