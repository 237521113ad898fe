// The console's "encryption" card for a version: its ENCRYPT rules (which tagged fields, which
// KEK and KMS) and what the DEK registry knows of the subject's DEKs (the registry's
// `/subjects/{s}/deks`, which never carries key material).

const ENCRYPT = ['ENCRYPT', 'ENCRYPT_PAYLOAD']

/** The version's ENCRYPT rules, domain and migration ones. */
export function encryptRules(version) {
  const set = version.ruleSet ?? {}
  return [...(set.domainRules ?? []), ...(set.migrationRules ?? [])].filter((r) => ENCRYPT.includes(r.type))
}

/**
 * Fills `box` for `version` of a subject (`s`: the subject, URL-encoded); whether there is
 * anything to show. `api(method, path)` calls the registry; `el`, `esc` are the console's.
 */
export async function encryptionCard(box, { s, version, api, el, esc }) {
  const rules = encryptRules(version)
  const deks = await api('GET', `/subjects/${s}/deks`).catch(() => [])
  if (!rules.length && !deks.length) return false
  const param = (r, k) => esc(r.params?.[k] ?? '')
  const ruleRows = rules.map((r) => `<tr><td>${esc(r.name)}</td><td>${esc(r.type)}</td><td>${(r.tags ?? []).map((t) => `<span class="tag">${esc(t)}</span>`).join('')}</td>
    <td>${param(r, 'encrypt.kek.name')}</td><td>${param(r, 'encrypt.kms.type')}</td><td>${param(r, 'encrypt.kms.key.id')}</td>
    <td>${param(r, 'encrypt.dek.algorithm') || 'AES256_GCM'}</td><td class="muted">${esc(r.onFailure ?? 'ERROR')}</td></tr>`)
  const dekRows = deks.map((d) => `<tr class="${d.deleted ? 'muted' : ''}"><td>${esc(d.kekName)}</td><td>${esc(d.kmsType)}${d.shared ? ' (shared)' : ''}</td>
    <td>${d.version}</td><td>${esc(d.algorithm)}</td><td>${esc(new Date(d.ts).toISOString())}</td><td>${d.deleted ? 'deleted' : 'live'}</td></tr>`)
  box.replaceChildren(el(`<div>
    <table id="enc-rules"><thead><tr><th>Rule</th><th>Type</th><th>Fields tagged</th><th>KEK</th><th>KMS</th><th>Key id</th><th>Algorithm</th><th>On failure</th></tr></thead>
      <tbody>${ruleRows.join('') || '<tr><td colspan="8" class="muted">No ENCRYPT rule in this version.</td></tr>'}</tbody></table>
    <h3>Data encryption keys <span class="muted">(metadata only; key material never leaves the DEK registry here)</span></h3>
    <table id="enc-deks"><thead><tr><th>KEK</th><th>KMS</th><th>Version</th><th>Algorithm</th><th>Created</th><th>State</th></tr></thead>
      <tbody>${dekRows.join('') || '<tr><td colspan="6" class="muted">No DEK yet: the first producer creates one.</td></tr>'}</tbody></table></div>`))
  return true
}
