// Lists one folder with megajs (a MEGA client nobody here wrote) against megasim, as a peer
// sees it after a fresh login, and reads each file's content.
// Env: MEGASIM_URL (with trailing slash), MEGA_EMAIL, MEGA_PASSWORD, LIST_FOLDER (a folder
// name under the Cloud Drive root).
// Prints one JSON line: {"files":[{"name":...,"sha256":...}...]} sorted by name.
import { Storage } from 'megajs'
import { createHash } from 'node:crypto'
import assert from 'node:assert/strict'

const gateway = process.env.MEGASIM_URL
assert.ok(gateway && gateway.startsWith('http://127.0.0.1:'), 'MEGASIM_URL must be a loopback URL')
const origin = new URL(gateway).origin
const loopbackFetch = (url, opts) => {
  if (new URL(String(url)).origin !== origin) throw Error(`refusing non-loopback request to ${url}`)
  return fetch(url, opts)
}
const storage = await new Storage({
  email: process.env.MEGA_EMAIL,
  password: process.env.MEGA_PASSWORD,
  gateway,
  fetch: loopbackFetch
}).ready
const folder = storage.root.children.find((c) => c.name === process.env.LIST_FOLDER)
assert.ok(folder, `no folder ${process.env.LIST_FOLDER}`)
const files = []
for (const f of folder.children ?? []) {
  const data = f.directory ? null : await f.downloadBuffer()
  files.push({ name: f.name, sha256: data && createHash('sha256').update(data).digest('hex') })
}
files.sort((a, b) => (a.name < b.name ? -1 : 1))
console.log(JSON.stringify({ files }))
storage.close()
