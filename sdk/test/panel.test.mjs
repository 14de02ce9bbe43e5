// The panel (assets/panel/panel.js) is a client of the SDK, not a second
// JSON-RPC client: it imports the module the agent serves and opens no
// WebSocket of its own. Its behaviour in a real browser is tested by
// TestPanelInBrowser (app).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const panel = readFileSync(new URL("../../assets/panel/panel.js", import.meta.url), "utf8");

test("the panel talks to the agent through the SDK's client", () => {
  assert.match(panel, /^import \{[^}]*\bconnect\b[^}]*\} from '\/sdk\/labelbridge\.js';$/m, "panel.js imports connect from /sdk/labelbridge.js");
  for (const own of [/new WebSocket\(/, /jsonrpc:/, /JSON\.parse\(/]) {
    assert.doesNotMatch(panel, own, `panel.js has its own JSON-RPC plumbing (${own})`);
  }
  assert.match(panel, /protocols: \['labelbridge\.admin', `labelbridge\.session\.\$\{session\}`\]/, "the admin session is offered as subprotocols");
  assert.match(panel, /topics: \['jobs', 'printers', 'sites', 'fleet'\]/, "the panel subscribes to jobs, printers, sites and the fleet connection");
});
