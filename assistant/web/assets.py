"""The page's stylesheet and scripts."""

CSS = """
.gradio-container { max-width: 1100px !important; margin: auto; }
#imc-header h1 { font-size: 1.6rem; margin: 0 0 .2rem 0; } #imc-header p { margin: .15rem 0; }
.imc-disclaimer { color: var(--body-text-color-subdued); }
.imc-privacy { font-size: .9rem; color: var(--body-text-color-subdued); }
.imc-chat { display: flex; flex-direction: column; gap: 1.1rem; }
.imc-empty { color: var(--body-text-color-subdued); padding: .6rem 0; }
.imc-user { display: flex; justify-content: flex-end; }
.imc-bubble { background: var(--color-accent-soft); border-radius: 14px 14px 2px 14px;
  padding: .55rem .9rem; max-width: 80%; white-space: pre-wrap; overflow-wrap: anywhere; }
.imc-bot { border: 1px solid var(--border-color-primary); border-radius: 12px;
  padding: .8rem 1rem; background: var(--background-fill-primary); }
.imc-pending { color: var(--body-text-color-subdued); font-style: italic; }
.imc-short { font-size: 1.02rem; margin: 0 0 .4rem 0; }
.imc-followup { font-size: .9rem; color: var(--body-text-color-subdued); margin: 0 0 .4rem 0; }
.imc-confidence { font-size: .88rem; margin: 0 0 .6rem 0; }
.imc-conf-high strong { color: #137333; } .imc-conf-medium strong { color: #9a6700; }
.imc-conf-low strong { color: #b3261e; } .imc-abstain { font-size: 1.05rem; margin: 0 0 .3rem 0; }
.imc-cited, .imc-ref { font-weight: 600; margin: .2rem 0 .4rem 0; font-size: .9rem; }
.imc-nearest { border-left: 4px solid #c9a227; padding-left: .7rem; margin-top: .5rem; }
.imc-clause { border: 1px solid var(--border-color-primary); border-radius: 8px; margin: .4rem 0;
  padding: .35rem .7rem; background: var(--background-fill-secondary); }
.imc-clause summary { cursor: pointer; font-weight: 600; }
.imc-cid { font-family: var(--font-mono); background: var(--color-accent-soft);
  border-radius: 4px; padding: 0 .35rem; margin-right: .3rem; text-decoration: none; }
.imc-tag { font-size: .75rem; font-weight: 500; border: 1px solid var(--border-color-primary);
  border-radius: 10px; padding: 0 .45rem; margin-left: .5rem; }
.imc-text { margin: .45rem 0 .35rem 0; padding-left: .8rem;
  border-left: 3px solid var(--color-accent); line-height: 1.5; }
.imc-actions { display: flex; gap: .8rem; align-items: center; font-size: .82rem; }
.imc-copy { border: 1px solid var(--border-color-primary); border-radius: 6px;
  padding: .1rem .5rem; font-size: .8rem !important; font-weight: 500;
  background: var(--background-fill-primary); cursor: pointer; }
.imc-link { color: var(--body-text-color-subdued); }
.imc-note { font-size: .8rem; color: var(--body-text-color-subdued); margin: .6rem 0 0 0; }
.imc-error { color: #b3261e; margin: 0; } .imc-outline h4 { margin: .6rem 0 .2rem 0; }
.imc-item { margin: .3rem 0 .3rem .4rem; line-height: 1.5; }
.imc-part > summary { font-weight: 700; font-size: 1.05rem; cursor: pointer; margin-top: .5rem; }
.imc-count { font-weight: 400; color: var(--body-text-color-subdued); }
.imc-persona { font-weight: 600; margin-bottom: .2rem; }
.imc-preview { font-weight: 400; color: var(--body-text-color-subdued); }
details[open] > summary .imc-preview { display: none; }
mark { background: #fff1a8; padding: 0 .1rem; border-radius: 2px; }
"""

# Copy-citation buttons (delegated, so they work in HTML rendered later) and a fallback for
# plain-http LAN pages where navigator.clipboard is unavailable.
JS = """
() => {
  document.addEventListener('click', (ev) => {
    const b = ev.target.closest ? ev.target.closest('button.imc-copy') : null;
    if (!b) return;
    const text = b.dataset.copy || '';
    const done = () => { b.textContent = 'Copied ✓';
      setTimeout(() => { b.textContent = 'Copy citation'; }, 1500); };
    const fallback = () => { const t = document.createElement('textarea'); t.value = text;
      document.body.appendChild(t); t.select();
      try { document.execCommand('copy'); done(); } finally { t.remove(); } };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else { fallback(); }
  });
}
"""
SCROLL_JS = """
() => { const el = document.querySelector('#imc-chat .imc-last');
  if (el) el.scrollIntoView({block: 'start'}); }
"""
