// Public links between megash and megajs (a MEGA client nobody here wrote), through megasim.
// Env: MEGASIM_URL (loopback, trailing slash), MODE:
//   MODE=read LINK=<folder link>: open the link, walk it, download every file;
//     prints {"ok":true,"root":NAME,"files":{"path/inside":"sha256",...}}
//   MODE=make MEGA_EMAIL MEGA_PASSWORD: log in, upload a file and a folder with two files,
//     export a file link and a folder link; prints {"ok":true,"fileLink","folderLink",
//     "files":{"name":"sha256",...}}
// Any failure throws (non-zero exit, reason on stderr).
import { Storage, File, API } from 'megajs'
import { createHash, randomBytes } from 'node:crypto'
import assert from 'node:assert/strict'

const gateway = process.env.MEGASIM_URL
assert.ok(gateway && gateway.startsWith('http://127.0.0.1:'), 'MEGASIM_URL must be a loopback URL')
const origin = new URL(gateway).origin
const loopbackFetch = (url, opts) => {
  if (new URL(String(url)).origin !== origin) throw Error(`refusing non-loopback request to ${url}`)
  return fetch(url, opts)
}
API.globalApi = new API(false, { gateway, fetch: loopbackFetch })
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex')

async function walk (node, prefix, out) {
  for (const child of node.children ?? []) {
    const path = prefix ? `${prefix}/${child.name}` : child.name
    if (child.directory) {
      await walk(child, path, out)
    } else {
      // megajs checks the meta-MAC of a full download and fails on a mismatch.
      out[path] = sha256(await child.downloadBuffer({}))
    }
  }
}

if (process.env.MODE === 'read') {
  const api = new API(false, { gateway, fetch: loopbackFetch })
  const folder = File.fromURL(process.env.LINK, { api })
  await folder.loadAttributes()
  assert.ok(folder.directory, 'not a folder link')
  const files = {}
  await walk(folder, '', files)
  process.stdout.write(JSON.stringify({ ok: true, root: folder.name, files }) + '\n')
} else if (process.env.MODE === 'make') {
  const storage = await new Storage({
    email: process.env.MEGA_EMAIL,
    password: process.env.MEGA_PASSWORD,
    gateway,
    fetch: loopbackFetch
  }).ready
  const files = {}
  const put = async (parent, name, size) => {
    const data = randomBytes(size)
    files[name] = sha256(data)
    // megajs encrypts the buffer in place: give it a copy.
    return parent.upload({ name, size }, Buffer.from(data)).complete
  }
  const single = await put(storage.root, 'megajs-file.bin', 300000)
  const dir = await storage.mkdir('megajs-folder')
  await put(dir, 'inner-1.bin', 70000)
  const sub = await dir.mkdir('sub')
  await put(sub, 'inner-2.bin', 1)
  const fileLink = await single.link()
  const folderLink = await dir.link()
  await storage.close()
  process.stdout.write(JSON.stringify({ ok: true, fileLink, folderLink, files }) + '\n')
} else {
  throw Error('MODE must be read or make')
}
