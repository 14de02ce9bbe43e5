// Unit tests of the SDK's printing against an in-memory agent (fakeagent.mjs):
// print shapes and errors, reconnects that re-send unacknowledged prints
// once, timeouts, limits, close, documents. Connecting: connect.test.mjs;
// the classic and CommonJS builds: builds.test.mjs. The real agent and a
// real browser are exercised by the Go end-to-end tests in e2e/sdk.
//   node --test sdk/test/
import { test } from "node:test";
import assert from "node:assert/strict";
import * as esm from "../dist/labelbridge.js";
import { FakeAgent, ZPL } from "./fakeagent.mjs";

// The tests run against the built files (sdk/dist), what the agent serves.
const { connect, LabelbridgeError } = esm;

test("print resolves with the stored job and carries a generated idempotency key", async () => {
  const agent = new FakeAgent();
  const lb = await connect(agent.options());
  try {
    assert.equal(lb.state, "connected");
    const printers = await lb.printers();
    assert.equal(printers[0].id, "virtual");
    const job = await lb.print(ZPL(1), { copies: 2, printer: "virtual" });
    assert.equal(job.id, "j1");
    const sent = agent.printsReceived()[0].params;
    assert.deepEqual(sent.raw, { data: ZPL(1) });
    assert.equal(sent.copies, 2);
    assert.match(sent.idempotencyKey, /^[0-9a-f-]{32,36}$/);
    const done = lb.waitJob(job.id);
    agent.finish(job.id);
    assert.equal((await done).state, "done");
    assert.equal(agent.received[0].method, "hello", "hello goes first");
    assert.equal(agent.received[1].method, "subscribe");
  } finally {
    lb.close();
  }
});

test("print shapes: label, raw string, bytes, {language, data}, {base64}", async () => {
  const agent = new FakeAgent();
  const lb = await connect(agent.options());
  try {
    const label = { width: 50, height: 30, elements: [{ type: "text", x: 1, y: 1, text: "상품 A", size: 3 }] };
    await lb.print(label, { idempotencyKey: "k-label" });
    await lb.print(new Uint8Array([0x1b, 0x40, 0xff]), { language: "ESCPOS" });
    await lb.print({ language: "tspl", data: "PRINT 1\r\n" });
    await lb.print({ base64: "AAE=" });
    const p = agent.printsReceived().map((m) => m.params);
    assert.deepEqual(p[0].label, label);
    assert.equal(p[0].idempotencyKey, "k-label");
    assert.deepEqual(p[1].raw, { language: "escpos", base64: "G0D/" });
    assert.deepEqual(p[2].raw, { language: "tspl", data: "PRINT 1\r\n" });
    assert.deepEqual(p[3].raw, { base64: "AAE=" });
  } finally {
    lb.close();
  }
});

test("bad print arguments fail with invalid_params naming the problem", async () => {
  const agent = new FakeAgent();
  const lb = await connect(agent.options());
  try {
    const cases = [
      [[42], /pass a label/],
      [[{ width: 10 }], /pass a label/],
      [["^XA^XZ", { copy: 2 }], /unknown option "copy"/],
      [["^XA^XZ", { copies: 0 }], /copies must be a whole number/],
      [["^XA^XZ", { printer: 7 }], /printer must be a printer id/],
      [["^XA^XZ", { idempotencyKey: "" }], /idempotencyKey must be a non-empty string/],
    ];
    for (const [args, want] of cases) {
      await assert.rejects(lb.print(...args), (e) => e instanceof LabelbridgeError && e.reason === "invalid_params" && want.test(e.message), JSON.stringify(args));
    }
    assert.equal(agent.printsReceived().length, 0, "nothing bad is sent");
    assert.throws(() => lb.on("jobs", () => {}), /unknown event "jobs"/);
  } finally {
    lb.close();
  }
});

test("the agent's errors keep their reason and code", async () => {
  const agent = new FakeAgent();
  agent.failPrint = { code: -32000, message: 'printer "zebra" not found', reason: "printer_not_found" };
  const lb = await connect(agent.options());
  try {
    await assert.rejects(lb.print(ZPL(1), { printer: "zebra" }), (e) => e.reason === "printer_not_found" && e.code === -32000 && /zebra/.test(e.message));
    await assert.rejects(lb.call("nope"), (e) => e.reason === "method_not_found");
  } finally {
    lb.close();
  }
});

test("a reconnect re-sends unacknowledged prints with the same keys: each prints once", async () => {
  const agent = new FakeAgent();
  const lb = await connect(agent.options());
  const states = [];
  lb.on("status", (s) => states.push(s.state));
  try {
    // Three prints reach the agent and are stored, but their replies are lost.
    agent.holdReplies = true;
    const inFlight = [1, 2, 3].map((n) => lb.print(ZPL(n)));
    await agent.until(() => agent.printsReceived().length === 3, "3 prints at the agent");
    agent.kill();
    await agent.until(() => lb.state === "reconnecting", "reconnecting");
    // Two more while the agent is down: queued in the page.
    const queued = [4, 5].map((n) => lb.print(ZPL(n)));
    agent.holdReplies = false;
    agent.up = true;
    const jobs = await Promise.all([...inFlight, ...queued]);
    assert.equal(lb.state, "connected");
    assert.equal(agent.jobs.size, 5, "one job per print");
    assert.equal(new Set(jobs.map((j) => j.id)).size, 5);
    const keys = agent.printsReceived().map((m) => m.params.idempotencyKey);
    assert.equal(keys.length, 8, "3 sent twice, 2 sent once");
    assert.equal(new Set(keys).size, 5);
    // Order is kept: the re-sent ones go first, in their original order.
    const resent = agent.printsReceived().slice(3).map((m) => m.params.raw.data);
    assert.deepEqual(resent, [1, 2, 3, 4, 5].map(ZPL));
    assert.ok(states.includes("reconnecting") && states.at(-1) === "connected", states.join(","));
  } finally {
    lb.close();
  }
});

test("waitJob catches a finish that happened while the page was disconnected", async () => {
  const agent = new FakeAgent();
  const lb = await connect(agent.options());
  try {
    const job = await lb.print(ZPL(1));
    agent.kill();
    await agent.until(() => lb.state === "reconnecting", "reconnecting");
    agent.finish(job.id); // no socket: the event is lost
    const waited = lb.waitJob(job.id, { timeout: 5000 });
    agent.up = true;
    assert.equal((await waited).state, "done");
  } finally {
    lb.close();
  }
});

test("print times out while the agent stays away, naming the key to retry with", async () => {
  const agent = new FakeAgent();
  const lb = await connect(agent.options({ requestTimeout: 50 }));
  try {
    agent.kill();
    await agent.until(() => lb.state === "reconnecting", "reconnecting");
    await assert.rejects(lb.print(ZPL(1), { timeout: 50, idempotencyKey: "retry-me" }),
      (e) => e.reason === "timeout" && e.idempotencyKey === "retry-me" && /retry-me/.test(e.message));
    await assert.rejects(lb.printers(), (e) => e.reason === "timeout" && /unreachable/.test(e.message));
  } finally {
    lb.close();
  }
});

test("calls that are not safe to repeat fail with connection_lost instead of being re-sent", async () => {
  const agent = new FakeAgent();
  agent.holdReplies = true;
  const lb = await connect(agent.options());
  try {
    const orig = agent.handle.bind(agent);
    agent.handle = (ws, msg) => { if (msg.method !== "jobs.cancel") orig(ws, msg); else { agent.received.push(msg); agent.changed(); } };
    const canceled = lb.cancel("j1");
    await agent.until(() => agent.received.some((m) => m.method === "jobs.cancel"), "cancel sent");
    agent.kill();
    await assert.rejects(canceled, (e) => e.reason === "connection_lost");
  } finally {
    lb.close();
  }
});

test("a message over the agent's limit is refused in the page, not sent", async () => {
  const agent = new FakeAgent();
  agent.maxMessageBytes = 1000;
  const lb = await connect(agent.options());
  try {
    await agent.until(() => lb.info !== null, "hello answered");
    await assert.rejects(lb.print("^XA" + "가".repeat(400) + "^XZ"), (e) => e.reason === "payload_too_large");
    assert.equal(agent.printsReceived().length, 0);
    assert.equal(lb.state, "connected");
  } finally {
    lb.close();
  }
});

test("close rejects what is pending and stops reconnecting", async () => {
  const agent = new FakeAgent();
  const lb = await connect(agent.options());
  agent.kill();
  await agent.until(() => lb.state === "reconnecting", "reconnecting");
  const p = lb.print(ZPL(1));
  lb.close();
  await assert.rejects(p, (e) => e.reason === "closed");
  await assert.rejects(lb.printers(), (e) => e.reason === "closed");
  assert.equal(lb.state, "closed");
});

test("documents: print({document}) sends it; documentFrom reads bytes and Blobs, sniffs the format and refuses other origins", async () => {
  const { documentFrom } = esm;
  const pdf = new TextEncoder().encode("%PDF-1.7\n…");
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
  const fromBytes = await documentFrom(pdf.buffer, { crop: "content", rotate: 90 });
  assert.deepEqual(fromBytes, { document: { crop: "content", rotate: 90, format: "pdf", base64: Buffer.from(pdf).toString("base64") } });
  assert.equal((await documentFrom(new Blob([png]))).document.format, "png");
  assert.equal((await documentFrom(png, { format: "png", pages: "1" })).document.pages, "1");
  await assert.rejects(documentFrom(new Uint8Array([1, 2, 3])), /not a PDF, PNG or JPEG/);
  globalThis.location = new URL("http://page.test/app/");
  try {
    await assert.rejects(documentFrom("https://carrier.example/label.pdf"), (e) => e.reason === "invalid_params" && /not this page's origin/.test(e.message));
  } finally {
    delete globalThis.location;
  }
  const agent = new FakeAgent();
  const lb = await connect(agent.options());
  try {
    await lb.print(fromBytes, { copies: 2 });
    const sent = agent.printsReceived()[0].params;
    assert.equal(sent.document.format, "pdf");
    assert.equal(sent.copies, 2);
    assert.equal(sent.label, undefined);
    await assert.rejects(lb.print({ document: { base64: "AA==" } }), (e) => e.reason === "invalid_params" && /format/.test(e.message));
  } finally {
    lb.close();
  }
});
