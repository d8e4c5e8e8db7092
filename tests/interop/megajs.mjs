// Drives megajs (a MEGA client nobody here wrote) against megasim.
// Env: MEGASIM_URL (with trailing slash), MEGA_EMAIL, MEGA_PASSWORD,
//      FROM_MEGASH_NAME + FROM_MEGASH_SHA256: a file our library uploaded, to download and check.
// Prints one JSON line on success: {"ok":true,"fromMegajs":{"name":...,"sha256":...}}.
// With SIZES (a JSON list of byte counts) and FROM_MEGASH (a JSON list of {name, sha256}) it
// only downloads and checks those files, uploads one file of each size and prints
// {"ok":true,"uploaded":[{"name","sha256"}...]} (the transfer-engine interop test).
// Any failure throws, which exits non-zero with the reason on stderr.
import { Storage, File, API } from 'megajs'
import { createHash, randomBytes } from 'node:crypto'
import assert from 'node:assert/strict'

const gateway = process.env.MEGASIM_URL
const email = process.env.MEGA_EMAIL
const password = process.env.MEGA_PASSWORD
assert.ok(gateway && gateway.startsWith('http://127.0.0.1:'), 'MEGASIM_URL must be a loopback URL')

// Tests talk to loopback only. megajs builds the children of a folder link with its global API
// object (default gateway: real MEGA), so point that at megasim too, and refuse any other host.
const origin = new URL(gateway).origin
const loopbackFetch = (url, opts) => {
  if (new URL(String(url)).origin !== origin) throw Error(`refusing non-loopback request to ${url}`)
  return fetch(url, opts)
}
API.globalApi = new API(false, { gateway, fetch: loopbackFetch })

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex')
const step = (name) => process.stderr.write(`megajs: ${name}\n`)

async function upload (parent, name, data) {
  // megajs encrypts the buffer it is given in place: hand it a copy, keep ours intact.
  return parent.upload({ name, size: data.length }, Buffer.from(data)).complete
}

// megajs changes its tree for a move (and a deletion) only when the server's action packets
// for it arrive on its `sc` poll (MEGA works the same way), which may be after the reload that
// follows: wait for megajs to announce it, with a deadline, rather than race the poll.
function announced (event, name) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Error(`no "${event}" event for ${name} in 20 s`)), 20000)
    timer.unref()
    const on = (file) => {
      if (file?.name !== name) return
      clearTimeout(timer)
      storage.off(event, on)
      resolve()
    }
    storage.on(event, on)
  })
}

async function fresh () {
  // Re-fetch the tree from the server so every check reads server state, not megajs' cache.
  await storage.reload(true)
}

step('login')
const storage = await new Storage({ email, password, gateway, fetch: loopbackFetch }).ready
assert.equal(storage.email?.toLowerCase?.() ?? email, email)

// megajs' MAC pushes the chunk state when the running 16-byte position reaches a chunk
// boundary and again at the end, so a file whose size rounded up to 16 ends exactly on a
// boundary (128 KiB, 4.5 MiB, ...) gets one extra empty chunk in its MAC, unlike MEGA's SDK.
function endsOnChunkBoundary (size) {
  const padded = Math.ceil(size / 16) * 16
  let at = 0
  for (let i = 1; at < padded; i++) at += i <= 8 ? i * 131072 : 1048576
  return at === padded
}

if (process.env.SIZES) {
  for (const { name, sha256: want } of JSON.parse(process.env.FROM_MEGASH || '[]')) {
    step(`download ${name}`)
    const node = storage.root.children.find((f) => f.name === name)
    assert.ok(node, `${name} not found`)
    if (!node.size) {
      // megajs expects its own MAC for empty files (one MAC over an empty chunk); megash
      // writes 0 like MEGA's SDK and web client (protocol reference §6.3), so only the size
      // can be compared here.
      assert.equal(want, sha256(Buffer.alloc(0)))
      continue
    }
    if (endsOnChunkBoundary(node.size)) {
      // megajs adds an empty chunk to the MAC of these sizes (see endsOnChunkBoundary), so
      // MEGA's standard MAC fails its check: read the bytes without it and compare them.
      assert.equal(sha256(await node.downloadBuffer({ start: 0, end: node.size - 1 })), want, `${name} differs`)
      continue
    }
    // megajs verifies the meta-MAC of a full download and fails on a mismatch.
    assert.equal(sha256(await node.downloadBuffer({})), want, `${name} differs`)
  }
  const uploaded = []
  for (const size of JSON.parse(process.env.SIZES)) {
    const name = `megajs-${size}.bin`
    step(`upload ${name}`)
    const data = randomBytes(size)
    await upload(storage.root, name, data)
    uploaded.push({ name, sha256: sha256(data) })
  }
  await storage.close()
  process.stdout.write(JSON.stringify({ ok: true, uploaded }) + '\n')
  process.exit(0)
}

step('mkdir')
const dir = await storage.mkdir('interop-dir')
assert.ok(dir.directory)

step('upload 5 MiB and 0 bytes')
const big = randomBytes(5 * 1024 * 1024)
const bigFile = await upload(storage.root, 'megajs-5m.bin', big)
const emptyFile = await upload(storage.root, 'empty.bin', Buffer.alloc(0))
assert.equal(bigFile.size, big.length)
assert.equal(emptyFile.size, 0)

step('list')
await fresh()
const names = storage.root.children.map((f) => f.name).sort()
for (const n of ['interop-dir', 'megajs-5m.bin', 'empty.bin']) assert.ok(names.includes(n), `missing ${n} in ${names}`)

step('download and compare')
const bigNode = storage.root.children.find((f) => f.name === 'megajs-5m.bin')
const got = await bigNode.downloadBuffer({})
assert.equal(sha256(got), sha256(big), 'downloaded content differs')
const emptyNode = storage.root.children.find((f) => f.name === 'empty.bin')
const gotEmpty = await emptyNode.downloadBuffer({})
assert.equal(gotEmpty.length, 0)

step('rename')
await bigNode.rename('megajs-renamed.bin')
await fresh()
let renamed = storage.root.children.find((f) => f.name === 'megajs-renamed.bin')
assert.ok(renamed, 'rename not visible after reload')

step('move')
const dirNode = storage.root.children.find((f) => f.name === 'interop-dir')
const moved = announced('move', 'megajs-renamed.bin')
await renamed.moveTo(dirNode)
await moved
await fresh()
renamed = storage.root.children.find((f) => f.name === 'interop-dir').children?.find((f) => f.name === 'megajs-renamed.bin')
assert.ok(renamed, 'move not visible after reload')

step('export a file link and download through it')
const fileLink = await renamed.link()
assert.match(fileLink, /^https:\/\/mega\.nz\/file\/[A-Za-z0-9_-]{8}#[A-Za-z0-9_-]{43}$/)
const linkApi = new API(false, { gateway, fetch: loopbackFetch })
const linked = File.fromURL(fileLink, { api: linkApi })
await linked.loadAttributes()
assert.equal(linked.name, 'megajs-renamed.bin')
assert.equal(sha256(await linked.downloadBuffer({})), sha256(big), 'file-link download differs')

step('export a folder link and download through it')
const folderLink = await storage.root.children.find((f) => f.name === 'interop-dir').link()
assert.match(folderLink, /^https:\/\/mega\.nz\/folder\/[A-Za-z0-9_-]{8}#[A-Za-z0-9_-]{22}$/)
const folder = File.fromURL(folderLink, { api: linkApi })
await folder.loadAttributes()
assert.equal(folder.name, 'interop-dir')
const inFolder = folder.children.find((f) => f.name === 'megajs-renamed.bin')
assert.ok(inFolder, 'file missing from folder link')
assert.equal(sha256(await inFolder.downloadBuffer({})), sha256(big), 'folder-link download differs')

step('download the file megash uploaded')
if (process.env.FROM_MEGASH_NAME) {
  const theirs = storage.root.children.find((f) => f.name === process.env.FROM_MEGASH_NAME)
  assert.ok(theirs, `${process.env.FROM_MEGASH_NAME} not found`)
  // megajs verifies the meta-MAC on a full download and errors on mismatch.
  assert.equal(sha256(await theirs.downloadBuffer({})), process.env.FROM_MEGASH_SHA256, 'megash upload differs')
}

step('upload a file for megash to download')
const forMegash = randomBytes(5 * 1024 * 1024 + 12345)
await upload(storage.root, 'from-megajs.bin', forMegash)

step('delete')
// Take both nodes before deleting anything. megajs 1.3 adds another `sc` listener on every
// reload, and each extra listener handles a deletion with splice(indexOf(file) = -1, 1). That
// drops the last child of the parent instead, so after the first deletion a lookup in
// root.children can miss a node the server still has (it failed once in CI that way).
const toDelete = storage.root.children.find((f) => f.name === 'empty.bin')
const toTrash = storage.root.children.find((f) => f.name === 'interop-dir')
assert.ok(toDelete && toTrash, 'nodes to delete not found')
const gone = announced('delete', 'empty.bin')
await toDelete.delete(true)
const binned = announced('move', 'interop-dir')
await toTrash.delete(false)
await Promise.all([gone, binned])
await fresh()
const after = storage.root.children.map((f) => f.name)
assert.ok(!after.includes('empty.bin'), 'permanent delete not visible')
assert.ok(!after.includes('interop-dir'), 'move to rubbish bin not visible')
assert.ok(storage.trash.children.some((f) => f.name === 'interop-dir'), 'folder not in rubbish bin')

await storage.close()
process.stdout.write(JSON.stringify({ ok: true, fromMegajs: { name: 'from-megajs.bin', sha256: sha256(forMegash) } }) + '\n')
// The sc long poll megajs started last is still open (close() does not abort it): done anyway.
process.exit(0)
