// The console's "use with an LLM" card for a JSON Schema version: whether it fits each
// provider's profile (the origin's export, so the answer is the registry's), the diagnostics
// where it does not, and the fragment to copy.

const USES = [['response_format', 'Structured output'], ['tool', 'Tool / function']]

/**
 * Fills `box` for version `version` of `subject` (`s`: the subject, URL-encoded).
 * `api(method, path)` calls the registry; `el`, `esc` are the console's helpers.
 */
export async function llmCard(box, { s, version, schema, api, el, esc }) {
  const [profiles, lint] = await Promise.all([api('GET', '/llm/profiles'), api('POST', '/llm/lint', { schema })])
  const results = await Promise.all(profiles.map(async (p) => {
    const asIs = lint.results.find((r) => r.profile === p.id)
    if (asIs?.fits) return { profile: p, verdict: 'fits', good: true }
    try {
      await api('GET', `/subjects/${s}/versions/${version}/llm/${p.id}?as=tool`)
      return { profile: p, verdict: `fits once transformed (${asIs?.diagnostics.length ?? 0} change(s))`, good: true }
    } catch (e) {
      return { profile: p, verdict: `cannot fit: ${(e.body?.diagnostics ?? []).length || 1} problem(s)`, good: false }
    }
  }))
  const rows = results.map((r) => `<tr data-profile="${esc(r.profile.id)}"><td>${esc(r.profile.id)}</td><td class="muted">${esc(r.profile.target)}</td>
    <td class="verdict ${r.good ? 'good' : 'bad'}">${esc(r.verdict)}</td></tr>`)
  box.replaceChildren(el(`<div>
    <table id="llm-fit"><thead><tr><th>Profile</th><th>For</th><th>Verdict</th></tr></thead><tbody>${rows.join('')}</tbody></table>
    <div class="bar">
      <select id="llm-profile">${results.map((r) => `<option value="${esc(r.profile.id)}">${esc(r.profile.id)}</option>`).join('')}</select>
      <select id="llm-as">${USES.map(([v, label]) => `<option value="${v}">${label}</option>`).join('')}</select>
      <button id="llm-export">Export</button><button class="secondary" id="llm-copy">Copy</button>
    </div>
    <ul class="errors" id="llm-diagnostics"></ul>
    <pre class="code" id="llm-fragment"></pre></div>`))
  const show = async () => {
    const profile = box.querySelector('#llm-profile').value
    const as = box.querySelector('#llm-as').value
    const list = box.querySelector('#llm-diagnostics')
    const out = box.querySelector('#llm-fragment')
    list.replaceChildren()
    out.textContent = ''
    try {
      const fragment = await api('GET', `/subjects/${s}/versions/${version}/llm/${profile}?as=${as}`)
      out.textContent = JSON.stringify(fragment, null, 2)
    } catch (e) {
      const diagnostics = e.body?.diagnostics ?? []
      if (!diagnostics.length) list.append(el(`<li>${esc(e.message)}</li>`))
      for (const d of diagnostics) {
        list.append(el(`<li><code>${esc(d.path || '/')}</code> ${esc(d.message)} <span class="muted">(${esc(d.rule)}; fix: ${esc(d.fix)})</span></li>`))
      }
    }
  }
  box.querySelector('#llm-export').addEventListener('click', show)
  box.querySelector('#llm-copy').addEventListener('click', () => navigator.clipboard?.writeText(box.querySelector('#llm-fragment').textContent))
  await show()
}
