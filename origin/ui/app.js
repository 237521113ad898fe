// The registry console: plain ES modules, no build step, served by the origin at /ui.
// Every call goes to the same origin's REST API with the key given at the top (kept for the
// browser session). Payloads are validated in the browser by the npm package (WebAssembly),
// loaded only when first needed so the page itself stays small.

const main = document.getElementById('main')
const statusLine = document.getElementById('status')
const PAGE = 50
const LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE']

let key = sessionStorage.getItem('registry-key') || ''
let wasmPackage = null

// ---- helpers -----------------------------------------------------------------------------

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])
const enc = encodeURIComponent

/** The element built from `html` (one root). */
function el(html) {
  const t = document.createElement('template')
  t.innerHTML = html.trim()
  return t.content.firstElementChild
}

function say(message, kind = 'ok') {
  statusLine.className = kind
  statusLine.textContent = message
}

/** A failed API call, as the user should read it. */
function explain(err) {
  if (err.status === 403) return `Your key does not allow this (403, ${err.code}): ${err.message}`
  if (err.status === 401) return `A valid API key is needed (401, ${err.code}): ${err.message}`
  return err.status ? `${err.status} (${err.code}): ${err.message}` : String(err.message || err)
}

async function api(method, path, body) {
  const headers = { Accept: 'application/vnd.schemaregistry.v1+json' }
  if (key) headers.Authorization = `Bearer ${key}`
  if (body !== undefined) headers['Content-Type'] = 'application/vnd.schemaregistry.v1+json'
  // Revalidate every time (ETags make it cheap): the API lets browsers keep mutable answers
  // (latest, lists, config) for 5 s, and the console must show a change at once.
  const res = await fetch(path, { method, headers, cache: 'no-cache', body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  let data = null
  try { data = text ? JSON.parse(text) : null } catch { data = text }
  if (!res.ok) {
    const err = new Error(data?.message || res.statusText)
    err.status = res.status
    err.code = data?.error_code
    err.body = data
    throw err
  }
  return data
}

/** `api` that answers `fallback` on a 404 instead of failing. */
async function maybe(path, fallback) {
  try { return await api('GET', path) } catch (e) { if (e.status === 404) return fallback; throw e }
}

/** JSON text pretty-printed (or the text itself when it is not JSON). */
function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2) } catch { return text }
}

/** HTML of `text` (pretty JSON) with keys, strings, numbers and literals coloured. */
function highlight(text) {
  const token = /("(?:\\u[a-fA-F0-9]{4}|\\[^u]|[^\\"])*")(\s*:)?|\b(true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g
  let out = ''
  let last = 0
  for (const m of text.matchAll(token)) {
    out += esc(text.slice(last, m.index))
    const cls = m[1] ? (m[2] ? 'k' : 's') : m[3] ? 'b' : 'n'
    out += `<span class="${cls}">${esc(m[1] ?? m[0])}</span>${m[2] ? esc(m[2]) : ''}`
    last = m.index + m[0].length
  }
  return out + esc(text.slice(last))
}

/** Line diff of `a` and `b` (longest common subsequence): rows of [left, right, kind]. */
export function diffLines(a, b) {
  const n = a.length
  const m = b.length
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1])
    }
  }
  const rows = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { rows.push([i, j, 'same']); i++; j++ }
    else if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j])) { rows.push([null, j, 'add']); j++ }
    else { rows.push([i, null, 'del']); i++ }
  }
  return rows
}

// ---- views -------------------------------------------------------------------------------

async function subjectsView(params) {
  const q = params.get('q') || ''
  const type = params.get('type') || ''
  const tag = params.get('tag') || ''
  const offset = Number(params.get('offset') || 0)
  const view = el(`<div>
    <h1>Subjects</h1>
    <form class="bar" id="find">
      <input name="q" placeholder="Search names, fields, docs, tags" size="40" value="${esc(q)}">
      <select name="type"><option value="">any type</option><option ${type === 'AVRO' ? 'selected' : ''}>AVRO</option><option ${type === 'JSON' ? 'selected' : ''}>JSON</option><option ${type === 'PROTOBUF' ? 'selected' : ''}>PROTOBUF</option></select>
      <input name="tag" placeholder="tag" size="10" value="${esc(tag)}">
      <button>Search</button>
      <span class="muted" id="count"></span>
      <span style="margin-left:auto"></span>
      <input id="new-subject" placeholder="new subject name"><button type="button" class="secondary" id="open-new">Open</button>
    </form>
    <table id="subjects"><thead><tr><th>Subject</th><th>Version</th><th>Id</th><th>Type</th><th>Tags</th></tr></thead><tbody></tbody></table>
    <div class="bar"><button class="secondary" id="prev">Previous</button><button class="secondary" id="next">Next</button></div>
  </div>`)
  main.replaceChildren(view)
  const go = (o) => {
    const f = new FormData(view.querySelector('#find'))
    const p = new URLSearchParams({ q: f.get('q'), type: f.get('type'), tag: f.get('tag'), offset: String(o) })
    location.hash = `#/?${p}`
  }
  view.querySelector('#find').addEventListener('submit', (e) => { e.preventDefault(); go(0) })
  view.querySelector('#open-new').addEventListener('click', () => {
    const name = view.querySelector('#new-subject').value.trim()
    if (name) location.hash = `#/subject/${enc(name)}`
  })
  const query = new URLSearchParams({ q, type, tag, offset: String(offset), limit: String(PAGE) })
  const page = await api('GET', `/search?${query}`)
  const body = view.querySelector('tbody')
  for (const hit of page.results) {
    body.append(el(`<tr><td><a href="#/subject/${enc(hit.subject)}">${esc(hit.subject)}</a></td><td>${hit.version}</td><td>${hit.id}</td>
      <td>${esc(hit.schemaType)}</td><td>${hit.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join('')}</td></tr>`))
  }
  const shown = page.results.length
  view.querySelector('#count').textContent = page.total === 0 ? 'nothing found' : `${offset + 1}-${offset + shown} of ${page.total}`
  const prev = view.querySelector('#prev')
  const next = view.querySelector('#next')
  prev.disabled = offset === 0
  next.disabled = offset + shown >= page.total
  prev.addEventListener('click', () => go(Math.max(0, offset - PAGE)))
  next.addEventListener('click', () => go(offset + PAGE))
}

async function subjectView(subject, params) {
  const s = enc(subject)
  const [versions, config, mode] = await Promise.all([
    maybe(`/subjects/${s}/versions`, []),
    maybe(`/config/${s}?defaultToGlobal=true`, {}),
    maybe(`/mode/${s}?defaultToGlobal=true`, {}),
  ])
  const selected = Number(params.get('v')) || versions[versions.length - 1]
  const view = el(`<div>
    <h1>${esc(subject)}</h1>
    <div class="bar">
      <span>Compatibility <strong id="level">${esc(config.compatibilityLevel || 'BACKWARD')}</strong></span>
      <select id="new-level">${LEVELS.map((l) => `<option ${l === config.compatibilityLevel ? 'selected' : ''}>${l}</option>`).join('')}</select>
      <button class="secondary" id="set-level">Set</button>
      <span>Mode <strong id="mode">${esc(mode.mode || 'READWRITE')}</strong></span>
    </div>
    <div class="bar versions" id="versions">${versions.length ? 'Versions' : '<span class="muted">No versions yet: register the first below.</span>'}
      ${versions.map((v) => `<button data-v="${v}" class="${v === selected ? 'selected' : ''}">${v}</button>`).join('')}</div>
    <div id="schema"></div>
    <section class="card" id="diff-card" ${versions.length < 2 ? 'hidden' : ''}>
      <h2>Compare versions</h2>
      <div class="bar">
        <select id="left">${versions.map((v) => `<option ${v === versions[versions.length - 2] ? 'selected' : ''}>${v}</option>`).join('')}</select>
        <span>with</span>
        <select id="right">${versions.map((v) => `<option ${v === versions[versions.length - 1] ? 'selected' : ''}>${v}</option>`).join('')}</select>
        <button id="compare">Compare</button>
      </div>
      <div id="diff"></div>
    </section>
    <section class="card" id="try-card" ${versions.length ? '' : 'hidden'}>
      <h2>Try a payload <span class="muted">(validated in your browser)</span></h2>
      <textarea id="payload" placeholder='{"field": "value"}'></textarea>
      <div class="bar"><button id="validate">Validate</button><span id="verdict" class="verdict"></span></div>
      <ul class="errors" id="payload-errors"></ul>
    </section>
    <section class="card" id="enc-card" hidden>
      <h2>Encryption <span class="muted">(client-side field encryption)</span></h2>
      <div id="enc"></div>
    </section>
    <section class="card" id="llm-card" hidden>
      <h2>Use with an LLM <span class="muted">(each provider's dialect of JSON Schema)</span></h2>
      <div id="llm"></div>
    </section>
    <section class="card">
      <h2>Draft a new version</h2>
      <textarea id="draft" placeholder="The schema text"></textarea>
      <div class="bar">
        <select id="draft-type"><option>AVRO</option><option>JSON</option><option>PROTOBUF</option></select>
        <button class="secondary" id="check">Check compatibility</button>
        <button id="register">Register</button>
        <span id="draft-verdict" class="verdict"></span>
      </div>
      <ul class="errors" id="draft-messages"></ul>
    </section>
  </div>`)
  main.replaceChildren(view)
  let current = null

  const show = async (v) => {
    current = await api('GET', `/subjects/${s}/versions/${v}`)
    const text = pretty(current.schema)
    const box = view.querySelector('#schema')
    box.replaceChildren(el(`<div><div class="bar"><strong>Version ${current.version}</strong><span class="muted">id ${current.id}, ${esc(current.schemaType || 'AVRO')}</span>
      <button class="danger" id="delete">Delete version ${current.version}</button></div><pre class="code">${highlight(text)}</pre></div>`))
    box.querySelector('#delete').addEventListener('click', async () => {
      if (!confirm(`Soft-delete version ${current.version} of ${subject}?`)) return
      try {
        await api('DELETE', `/subjects/${s}/versions/${current.version}`)
        navigate(`#/subject/${s}`)
        say(`Version ${current.version} deleted`)
      } catch (e) { say(explain(e), 'error') }
    })
    view.querySelector('#draft').value = text
    view.querySelector('#draft-type').value = current.schemaType || 'AVRO'
    const { encryptionCard } = await import('./encryption.js')
    view.querySelector('#enc-card').hidden = !(await encryptionCard(view.querySelector('#enc'), { s, version: current, api, el, esc }))
    const llm = view.querySelector('#llm-card')
    llm.hidden = current.schemaType !== 'JSON'
    if (!llm.hidden) {
      const { llmCard } = await import('./llm.js')
      await llmCard(view.querySelector('#llm'), { s, version: current.version, schema: current.schema, api, el, esc })
    }
    for (const b of view.querySelectorAll('#versions button')) b.classList.toggle('selected', Number(b.dataset.v) === current.version)
  }
  view.querySelector('#versions').addEventListener('click', (e) => {
    if (e.target.dataset.v) show(Number(e.target.dataset.v)).catch((err) => say(explain(err), 'error'))
  })
  if (selected) await show(selected)

  view.querySelector('#set-level').addEventListener('click', async () => {
    const level = view.querySelector('#new-level').value
    try {
      await api('PUT', `/config/${s}`, { compatibility: level })
      view.querySelector('#level').textContent = level
      say(`Compatibility of ${subject} set to ${level}`)
    } catch (e) { say(explain(e), 'error') }
  })

  view.querySelector('#compare').addEventListener('click', async () => {
    const [l, r] = [view.querySelector('#left').value, view.querySelector('#right').value]
    const [left, right] = await Promise.all([api('GET', `/subjects/${s}/versions/${l}`), api('GET', `/subjects/${s}/versions/${r}`)])
    const check = await api('POST', `/compatibility/subjects/${s}/versions/${l}?verbose=true`, {
      schema: right.schema, schemaType: right.schemaType, references: right.references || [],
    })
    const messages = check.messages || []
    // Lines naming what the checker reports (a quoted name appearing in a message) are flagged.
    const named = new Set()
    for (const m of messages) for (const q of m.matchAll(/['"`]([A-Za-z_][\w.]*)['"`]|\/([A-Za-z_]\w*)/g)) named.add(q[1] || q[2])
    // Protobuf paths end in a field number (`#/Order/2`): its lines are the ones `= 2;` declares.
    const numbers = new Set()
    for (const m of messages) for (const q of m.matchAll(/#\/(?:[\w.]+\/)*(\d+)'/g)) numbers.add(q[1])
    const declares = (line) => [...numbers].some((n) => new RegExp(`=\\s*${n}\\s*[;[]`).test(line))
    const flag = (line) => line != null && ([...named].some((n) => line.includes(`"${n}"`)) || declares(line))
    const a = pretty(left.schema).split('\n')
    const b = pretty(right.schema).split('\n')
    const rows = diffLines(a, b).map(([i, j, kind]) => {
      const lt = i == null ? '' : a[i]
      const rt = j == null ? '' : b[j]
      const flagged = kind !== 'same' && (flag(lt) || flag(rt))
      return `<tr class="${kind}${flagged ? ' flagged' : ''}"><td class="num">${i == null ? '' : i + 1}</td><td class="l">${esc(lt)}</td><td class="num">${j == null ? '' : j + 1}</td><td class="r">${esc(rt)}</td></tr>`
    })
    view.querySelector('#diff').replaceChildren(el(`<div>
      <p class="verdict ${check.is_compatible ? 'good' : 'bad'}" id="diff-verdict">Version ${r} is ${check.is_compatible ? '' : 'not '}compatible with version ${l} (${esc(config.compatibilityLevel || 'BACKWARD')})</p>
      ${messages.length ? `<ul class="errors">${messages.map((m) => `<li>${esc(m)}</li>`).join('')}</ul>` : ''}
      <table class="diff"><colgroup><col style="width:3rem"><col><col style="width:3rem"><col></colgroup><thead><tr><th></th><th>Version ${l}</th><th></th><th>Version ${r}</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`))
  })

  view.querySelector('#validate').addEventListener('click', async () => {
    const verdict = view.querySelector('#verdict')
    const list = view.querySelector('#payload-errors')
    list.replaceChildren()
    let value
    try { value = JSON.parse(view.querySelector('#payload').value) } catch (e) {
      verdict.className = 'verdict bad'
      verdict.textContent = `Not JSON: ${e.message}`
      return
    }
    try {
      wasmPackage ??= await import('./pkg/browser.js')
      const refs = current.references?.length ? await resolveReferences(current.references) : undefined
      const validator = new wasmPackage.Validator(current.schema, { type: (current.schemaType || 'AVRO').toLowerCase(), references: refs })
      const result = validator.validate(value)
      validator.free()
      verdict.className = `verdict ${result.valid ? 'good' : 'bad'}`
      verdict.textContent = result.valid ? `Valid against version ${current.version}` : `${result.errors.length} error(s)`
      for (const err of result.errors) list.append(el(`<li><code>${esc(err.instancePath || '/')}</code> ${esc(err.message)}</li>`))
    } catch (e) {
      verdict.className = 'verdict bad'
      verdict.textContent = `Cannot validate: ${e.message}`
    }
  })

  const draft = () => {
    const type = view.querySelector('#draft-type').value
    return { schema: view.querySelector('#draft').value, ...(type === 'AVRO' ? {} : { schemaType: type }) }
  }
  const report = (good, text, items = []) => {
    const v = view.querySelector('#draft-verdict')
    v.className = `verdict ${good ? 'good' : 'bad'}`
    v.textContent = text
    view.querySelector('#draft-messages').replaceChildren(...items.map((m) => el(`<li>${esc(m)}</li>`)))
  }
  view.querySelector('#check').addEventListener('click', async () => {
    if (!versions.length) return report(true, 'No versions yet: any valid schema can be registered')
    try {
      const r = await api('POST', `/compatibility/subjects/${s}/versions?verbose=true`, draft())
      report(r.is_compatible, r.is_compatible ? 'Compatible: it can be registered' : 'Incompatible', r.messages || [])
    } catch (e) { report(false, explain(e)) }
  })
  view.querySelector('#register').addEventListener('click', async () => {
    try {
      const r = await api('POST', `/subjects/${s}/versions`, draft())
      const after = await api('GET', `/subjects/${s}/versions`)
      navigate(`#/subject/${s}?v=${after[after.length - 1]}`)
      say(`Registered ${subject}: id ${r.id}, now ${after.length} version(s)`)
    } catch (e) { report(false, explain(e)) }
  })
}

/** The referenced schemas of a version, as the package's `references` option takes them. */
async function resolveReferences(references) {
  const out = {}
  for (const r of references) {
    const v = await api('GET', `/subjects/${enc(r.subject)}/versions/${r.version}`)
    out[r.name] = v.schema
  }
  return out
}

async function edgesView() {
  const edges = await api('GET', '/admin/edges')
  main.replaceChildren(el(`<div><h1>Edges</h1>
    <p class="muted">Invalidation delivery to each edge: its cursor in the event log, and how far behind the head it is.</p>
    <table id="edges"><thead><tr><th>Edge</th><th>Cursor</th><th>Head</th><th>Lag (events)</th><th>Lag (s)</th><th>Last success</th><th>Last error</th></tr></thead>
    <tbody>${edges.map((e) => `<tr><td>${esc(e.url)}</td><td>${e.cursor}</td><td>${e.head}</td><td>${e.lag_events}</td><td>${e.lag_seconds.toFixed(1)}</td>
      <td>${e.last_success_ms ? new Date(e.last_success_ms).toISOString() : '-'}</td><td>${esc(e.last_error || '')}</td></tr>`).join('') || '<tr><td colspan="7" class="muted">No edges</td></tr>'}</tbody></table></div>`))
}

async function eventsView(params) {
  const after = Number(params.get('after') || 0)
  const page = await api('GET', `/events?after=${after}&limit=100`)
  main.replaceChildren(el(`<div><h1>Timeline</h1>
    <table id="events"><thead><tr><th>#</th><th>When</th><th>What</th><th>Subject</th><th>Version</th><th>Id</th><th>Who</th><th>Detail</th></tr></thead>
    <tbody>${page.events.map((e) => `<tr><td>${e.seq}</td><td>${esc(e.at)}</td><td>${esc(e.kind)}</td><td>${esc(e.subject || '')}</td><td>${e.version ?? ''}</td>
      <td>${e.id ?? ''}</td><td>${esc(e.actor)}</td><td><code>${esc(e.detail ? JSON.stringify(e.detail) : '')}</code></td></tr>`).join('')}</tbody></table>
    <div class="bar"><a href="#/events?after=${page.next}">Later events</a></div></div>`))
}

// ---- routing -----------------------------------------------------------------------------

/** Goes to `hash` and renders it, keeping the status line (a hash change by the user clears it). */
function navigate(hash) {
  if (location.hash !== hash) history.pushState(null, '', hash)
  render()
}

async function render() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?')
  const params = new URLSearchParams(query)
  try {
    if (path.startsWith('/subject/')) await subjectView(decodeURIComponent(path.slice('/subject/'.length)), params)
    else if (path === '/edges') await edgesView()
    else if (path === '/events') await eventsView(params)
    else await subjectsView(params)
    document.body.dataset.ready = 'true'
  } catch (e) {
    main.replaceChildren(el(`<p class="verdict bad" id="view-error">${esc(explain(e))}</p>`))
    document.body.dataset.ready = 'true'
  }
}

document.getElementById('auth').addEventListener('submit', (e) => {
  e.preventDefault()
  key = document.getElementById('key').value.trim()
  sessionStorage.setItem('registry-key', key)
  document.getElementById('who').textContent = key ? `key ${key.split('_')[1] || ''}` : ''
  say(key ? 'Using the key' : 'No key')
  render()
})
if (key) document.getElementById('who').textContent = `key ${key.split('_')[1] || ''}`
window.addEventListener('hashchange', () => { document.body.dataset.ready = 'false'; say(''); statusLine.className = ''; render() })
render()
