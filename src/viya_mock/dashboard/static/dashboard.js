// The dashboard: watches the jobs, the clock and the journal, and drives the clock, all through the admin API.
// One poll at a time, every second, so an open dashboard never piles up work on a busy server.
const ADMIN = new URL('..', document.baseURI).pathname // the admin API's root, whatever prefix serves it
const WRITE = { method: 'POST', headers: { 'X-Viya-Mock-Admin': '1' } }
const PAGE = 20
const state = { start: 0, filter: '', sort: 'creationTimeStamp:descending', now: null, job: null, journal: {} }

const $ = (id) => document.getElementById(id)

async function json(url, options) {
  const answer = await fetch(url, options)
  const body = answer.status === 204 ? null : await answer.json()
  if (!answer.ok) throw new Error((body && body.message) || `${answer.status}`)
  return body
}

function cell(row, text, className) {
  const td = row.insertCell()
  if (className) {
    const span = document.createElement('span')
    span.className = className
    span.textContent = text
    td.append(span)
  } else {
    td.textContent = text
  }
}

function seconds(ms) {
  if (ms === null || ms === undefined) return ''
  const s = ms / 1000
  if (s < 120) return `${s.toFixed(1)} s`
  if (s < 7200) return `${(s / 60).toFixed(1)} min`
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`
  return `${(s / 86400).toFixed(0)} d`
}

function showJobs(page) {
  const body = $('jobs').tBodies[0]
  body.replaceChildren()
  for (const job of page.items) {
    const row = body.insertRow()
    row.dataset.id = job.id
    row.dataset.state = job.state
    const request = job.jobRequest || {}
    const open = document.createElement('button')
    open.type = 'button'
    open.className = 'job-link'
    open.textContent = job.id.slice(0, 8)
    open.setAttribute('aria-label', `Open job ${job.id}`)
    open.addEventListener('click', () => { state.job = job.id; act(async () => {}, '') })
    row.insertCell().append(open)
    cell(row, request.name || (request.jobDefinition || {}).name || '')
    cell(row, job.submittedByApplication || job.createdBy || '')
    cell(row, job.state, `state state-${job.state}`)
    cell(row, job.creationTimeStamp)
    cell(row, seconds(job.elapsedTime))
    // How long since the provider's last heartbeat, while the job runs (what a time-out is counted from).
    const running = job.state === 'running' && job.heartbeatTimeStamp && state.now
    const beat = running ? Date.parse(state.now) - Date.parse(job.heartbeatTimeStamp) : null
    cell(row, seconds(beat))
    cell(row, job.expirationTimeStamp || '')
  }
  const last = Math.min(page.start + page.items.length, page.count)
  $('jobs-count').textContent = page.count ? `Jobs ${page.start + 1}–${last} of ${page.count}` : 'No jobs'
  $('previous').disabled = page.start === 0
  $('next').disabled = last >= page.count
}

function showJournal(journal) {
  const body = $('journal').tBodies[0]
  body.replaceChildren()
  for (const entry of journal.items.slice(-15).reverse()) {
    const row = body.insertRow()
    cell(row, entry.time)
    cell(row, entry.method)
    cell(row, entry.path)
    cell(row, entry.status === null ? 'in flight' : String(entry.status))
  }
}

async function showJob() {
  const panel = $('job')
  if (!state.job) { panel.hidden = true; return }
  const found = await json(`${ADMIN}jobs?${new URLSearchParams({ filter: `eq(id,'${state.job}')`, limit: 1 })}`)
  const job = found.items[0]
  panel.hidden = false
  if (!job) { $('job-summary').textContent = `The job ${state.job} is gone.`; return }
  $('job-title').textContent = `Job ${job.id}`
  $('job-summary').textContent = `${job.state} · created ${job.creationTimeStamp}` +
    (job.endTimeStamp ? ` · ended ${job.endTimeStamp}` : '')
  $('job-error').textContent = job.error ? `Error: ${job.error.message}` : ''
  $('job-json').textContent = JSON.stringify(job, null, 2)
  const past = await json(`${ADMIN}jobs/${encodeURIComponent(job.id)}/history`)
  $('job-history').replaceChildren(...past.changes.map((change) => {
    const item = document.createElement('li')
    const fields = Object.entries(change.changes)
      .map(([name, value]) => `${name}: ${typeof value === 'object' && value !== null ? JSON.stringify(value) : value}`)
    item.textContent = `${change.at} — ${change.cause}: ${fields.join(', ')}`
    return item
  }))
  $('job-log').textContent = past.log.map((line) => line.line).join('\n')
  const requests = await json(`${ADMIN}requests?${new URLSearchParams({ path: `*${job.id}*` })}`)
  $('job-requests').replaceChildren(...requests.items.map((entry) => {
    const item = document.createElement('li')
    item.textContent = `${entry.time} ${entry.method} ${entry.path} → ${entry.status}`
    return item
  }))
}

async function showScenarios() {
  const loaded = await json(`${ADMIN}scenarios`)
  $('scenarios').replaceChildren(...loaded.items.map((scenario) => {
    const item = document.createElement('li')
    item.textContent = `${scenario.name}${scenario.description ? ' — ' + scenario.description : ''} `
    const unload = document.createElement('button')
    unload.type = 'button'
    unload.textContent = `Unload ${scenario.name}`
    unload.addEventListener('click', () => act(
      () => json(`${ADMIN}scenarios/${encodeURIComponent(scenario.name)}`, { ...WRITE, method: 'DELETE' }),
      `Unloaded ${scenario.name}.`))
    item.append(unload)
    return item
  }))
}

async function refresh() {
  const clock = await json(`${ADMIN}clock`)
  state.now = clock.now
  $('clock').textContent = `Clock: ${clock.now} (${clock.kind})`
  const query = new URLSearchParams({ start: state.start, limit: PAGE, sortBy: state.sort })
  if (state.filter) query.set('filter', state.filter)
  showJobs(await json(`${ADMIN}jobs?${query}`))
  const filters = Object.fromEntries(Object.entries(state.journal).filter(([, value]) => value))
  showJournal(await json(`${ADMIN}requests?${new URLSearchParams(filters)}`))
  await showJob()
  await showScenarios()
}

async function poll() {
  try {
    await refresh()
    $('jobs').removeAttribute('aria-invalid')
  } catch (error) {
    $('message').textContent = String(error.message || error)
  } finally {
    setTimeout(poll, 1000)
  }
}

async function act(work, done) {
  try {
    await work()
    $('message').textContent = done
    await refresh()
  } catch (error) {
    $('message').textContent = String(error.message || error)
  }
}

$('advance-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const by = $('advance-by').value.trim()
  act(() => json(`${ADMIN}clock/advance?by=${encodeURIComponent(by)}`, WRITE), `Advanced by ${by}.`)
})
$('set-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const to = $('set-to').value.trim()
  act(() => json(`${ADMIN}clock`, { method: 'PUT', headers: { ...WRITE.headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ now: to }) }), `Set the clock to ${to}.`)
})
$('generate-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const count = Number($('generate-count').value)
  act(() => json(`${ADMIN}generated-jobs`, { ...WRITE, headers: { ...WRITE.headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ count }) }), `Generated ${count} jobs.`)
})
$('fault-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const method = $('fault-method').value.trim().toUpperCase() || '*'
  const path = $('fault-path').value.trim()
  const status = Number($('fault-status').value)
  // A scenario name allows letters, digits, dots, dashes and underscores.
  const name = `fault-${method === '*' ? 'any' : method}-${path.replace(/[^A-Za-z0-9._-]+/g, '_')}-${status}`.slice(0, 100)
  const scenario = { name, description: `${method} ${path} answers ${status}`, faults: [{ method, path, status }] }
  act(() => json(`${ADMIN}scenarios`, { ...WRITE, headers: { ...WRITE.headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(scenario) }), `Armed ${scenario.name}; unload it under Scenarios.`)
})
$('force-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const body = { state: $('force-state').value }
  const message = $('force-message').value.trim()
  if (message) body.message = message
  act(() => json(`${ADMIN}jobs/${encodeURIComponent(state.job)}/state`, { method: 'PUT',
    headers: { ...WRITE.headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  `Forced ${body.state}.`)
})
$('reset').addEventListener('click', () => act(() => json(`${ADMIN}reset`, WRITE), 'Reset to the fixtures.'))
$('query-form').addEventListener('submit', (event) => {
  event.preventDefault()
  state.filter = $('filter').value.trim()
  state.sort = $('sort').value
  state.start = 0
  act(async () => {}, state.filter ? `Filtered by ${state.filter}.` : 'Showing every job.')
})
$('job-close').addEventListener('click', () => { state.job = null; act(async () => {}, '') })
$('journal-form').addEventListener('submit', (event) => {
  event.preventDefault()
  state.journal = { method: $('journal-method').value.trim().toUpperCase(), path: $('journal-path').value.trim(),
    status: $('journal-status').value.trim() }
  act(async () => {}, '')
})
$('scenario-file').addEventListener('change', async () => {
  const file = $('scenario-file').files[0]
  if (file) $('scenario-text').value = await file.text()
})
$('scenario-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  $('scenario-error').textContent = ''
  try {
    const answer = await fetch(`${ADMIN}scenarios`, {
      method: 'POST', headers: { ...WRITE.headers, 'Content-Type': 'application/yaml' }, body: $('scenario-text').value
    })
    const body = await answer.json()
    if (!answer.ok) {
      // The admin API names the line: "request body:4: …"
      const line = /request body:(\d+):/.exec(body.message || '')
      $('scenario-error').textContent = (line ? `Line ${line[1]}: ` : '') + body.message
      return
    }
    $('message').textContent = `Loaded ${body.items.map((item) => item.name).join(', ')}.`
    await refresh()
  } catch (error) {
    $('scenario-error').textContent = String(error.message || error)
  }
})
$('previous').addEventListener('click', () => { state.start = Math.max(0, state.start - PAGE); act(async () => {}, '') })
$('next').addEventListener('click', () => { state.start += PAGE; act(async () => {}, '') })

poll()
