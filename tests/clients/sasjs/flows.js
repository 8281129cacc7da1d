// Drives @sasjs/adapter, unmodified, against a viya-mock server, as a SAS web app's Node side would.
//
//   node flows.js <serverUrl> <mode> <program> <tables.json>
//
// mode: "web" (the default Viya mode: the /SASJobExecution/ web runner), "compute" (useComputeApi: true)
// or "jes" (useComputeApi: false, the Job Execution REST API). The tokens come from the environment
// (SASJS_CLIENT, SASJS_SECRET, SASJS_ACCESS_TOKEN, SASJS_REFRESH_TOKEN), as a Node app passes authConfig.
// Prints one JSON line: {"result": …} or {"error": {"name", "message", "status"}}.
'use strict'

const SASjsModule = require('@sasjs/adapter/node')

const SASjs = SASjsModule.default || SASjsModule.SASjs || SASjsModule

async function main() {
  const [serverUrl, mode, program, tablesFile] = process.argv.slice(2)
  const tables = tablesFile ? JSON.parse(require('fs').readFileSync(tablesFile, 'utf8')) : null
  const useComputeApi = { web: null, compute: true, jes: false }[mode]
  if (useComputeApi === undefined) throw new Error(`unknown mode ${mode}`)
  const adapter = new SASjs({
    serverUrl,
    serverType: 'SASVIYA',
    appLoc: '/Public/app/viya-mock',
    contextName: 'SAS Job Execution compute context',
    useComputeApi,
    debug: false
  })
  const authConfig = {
    client: process.env.SASJS_CLIENT,
    secret: process.env.SASJS_SECRET || '',
    access_token: process.env.SASJS_ACCESS_TOKEN,
    refresh_token: process.env.SASJS_REFRESH_TOKEN
  }
  const result = await adapter.request(program, tables, undefined, undefined, authConfig)
  return result
}

main().then(
  (result) => {
    process.stdout.write(JSON.stringify({ result }) + '\n')
    process.exit(0)
  },
  (error) => {
    const inner = (error && error.error) || error || {}
    const described = {
      name: (error && error.name) || inner.name || 'Error',
      message: (error && error.message) || inner.message || String(error),
      status: inner.status || (inner.response && inner.response.status) || null
    }
    process.stdout.write(JSON.stringify({ error: described }) + '\n')
    process.exit(1)
  }
)
