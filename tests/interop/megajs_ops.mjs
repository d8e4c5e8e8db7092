// Changes the cloud with megajs (a MEGA client nobody here wrote) against megasim, as another
// device would while a sync runs.
// Env: MEGASIM_URL (with trailing slash), MEGA_EMAIL, MEGA_PASSWORD, OPS: a JSON list of
//   {"op":"upload","path":"a/b.txt","content":"..."}   (the folder must exist)
//   {"op":"mkdir","path":"a/new"}
//   {"op":"rename","path":"a/b.txt","to":"c.txt"}
//   {"op":"move","path":"a/b.txt","to":"other/folder"}  ("" is the root)
//   {"op":"trash","path":"a/b.txt"}                      (to the rubbish bin)
// Paths are from the Cloud Drive root. Prints {"done":N}.
import { Storage } from 'megajs'
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

const find = (path) => {
  let node = storage.root
  for (const part of path.split('/').filter(Boolean)) {
    node = (node.children ?? []).find((c) => c.name === part)
    assert.ok(node, `megajs: no ${path}`)
  }
  return node
}
const split = (path) => {
  const i = path.lastIndexOf('/')
  return i < 0 ? ['', path] : [path.slice(0, i), path.slice(i + 1)]
}

let done = 0
for (const op of JSON.parse(process.env.OPS)) {
  if (op.op === 'upload') {
    const [dir, name] = split(op.path)
    const data = Buffer.from(op.content)
    await find(dir).upload({ name, size: data.length }, data).complete
  } else if (op.op === 'mkdir') {
    const [dir, name] = split(op.path)
    await find(dir).mkdir(name)
  } else if (op.op === 'rename') {
    await find(op.path).rename(op.to)
  } else if (op.op === 'move') {
    await find(op.path).moveTo(find(op.to))
  } else if (op.op === 'trash') {
    await find(op.path).delete(false)
  } else {
    throw Error(`unknown op ${op.op}`)
  }
  done++
}
console.log(JSON.stringify({ done }))
storage.close()
