'use strict';
// Test helper for printing/zpl: renders ZPL with zpl-renderer-js (zebrash
// compiled to WASM) so Go tests have an independent ZPL renderer.
//
// Protocol: one JSON request per stdin line,
//   {"id": 1, "zpl": "^XA…^XZ", "widthMm": 100, "heightMm": 60, "dpmm": 8}
// and one JSON reply per stdout line, in order,
//   {"id": 1, "png": "<base64 PNG>"}  or  {"id": 1, "error": "…"}.
// The first line written is {"ready": true, "zebrash": "<version>"}.
const readline = require('node:readline');
const { ready, ZEBRASH_VERSION } = require('zpl-renderer-js');

async function main() {
  const { api } = await ready;
  process.stdout.write(JSON.stringify({ ready: true, zebrash: ZEBRASH_VERSION || '' }) + '\n');
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let req;
    try {
      req = JSON.parse(line);
      const png = await api.zplToBase64Async(req.zpl, req.widthMm, req.heightMm, req.dpmm);
      process.stdout.write(JSON.stringify({ id: req.id, png }) + '\n');
    } catch (err) {
      process.stdout.write(JSON.stringify({ id: req && req.id, error: String(err && err.message || err) }) + '\n');
    }
  }
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack || err) + '\n');
  process.exit(1);
});
