// LabelbridgeError.problems: every problem of a refused label, from the
// agent's error data.problems (the real agent: e2e/sdk's npm test).
//   node --test sdk/test/
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, LabelbridgeError } from "../dist/labelbridge.js";

// agentAnswering is a minimal in-memory agent whose print fails with error.
function agentAnswering(error) {
  const later = (fn) => setTimeout(fn, 0);
  return {
    fetch: async () => ({ json: async () => ({ name: "labelbridge", version: "test", protocol: 1, origin: "http://page.test", originAllowed: true, originStatus: "allowed" }) }),
    WebSocket: class {
      constructor() {
        this.readyState = 0;
        later(() => { this.readyState = 1; this.onopen && this.onopen(); });
      }
      send(text) {
        const msg = JSON.parse(text);
        const out = msg.method === "print" ? { jsonrpc: "2.0", id: msg.id, error }
          : { jsonrpc: "2.0", id: msg.id, result: msg.method === "subscribe" ? { topics: [] } : { name: "labelbridge", protocol: 1, methods: [] } };
        later(() => this.onmessage && this.onmessage({ data: JSON.stringify(out) }));
      }
      close() { this.readyState = 3; later(() => this.onclose && this.onclose({ code: 1000, reason: "" })); }
    },
  };
}

const label = { width: 2, height: 1, unit: "in", elements: [] };

test("a refused label's problems and the first one's hint", async () => {
  const problems = [
    { path: "elements[0].x", message: "3 in is off the label (0–2 in)", hint: "Move the element or make it smaller." },
    { path: "elements[1].data", message: "EAN-13 needs 12 or 13 digits, not 1", hint: "Check the data." },
  ];
  const agent = agentAnswering({ code: -32000, message: "elements[0].x: 3 in is off the label (0–2 in) (and 1 more problem)", data: { reason: "invalid_label", problems } });
  const lb = await connect({ ports: [19810], fetch: agent.fetch, WebSocket: agent.WebSocket, reconnect: false });
  const err = await lb.print(label).then(() => null, (e) => e);
  lb.close();
  assert.ok(err instanceof LabelbridgeError);
  assert.equal(err.reason, "invalid_label");
  assert.deepEqual(err.problems, problems);
  assert.equal(err.hint, problems[0].hint);
  assert.ok(err.message.startsWith("elements[0].x: 3 in is off the label") && err.message.endsWith(problems[0].hint));
  assert.ok(Object.isFrozen(err.problems));
});

test("other errors have no problems", async () => {
  const agent = agentAnswering({ code: -32000, message: "queue full", data: { reason: "queue_full" } });
  const lb = await connect({ ports: [19810], fetch: agent.fetch, WebSocket: agent.WebSocket, reconnect: false });
  const err = await lb.print(label).then(() => null, (e) => e);
  lb.close();
  assert.equal(err.reason, "queue_full");
  assert.deepEqual(err.problems, []);
  assert.equal(err.hint, "");
});
