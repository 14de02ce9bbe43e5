// Entry of the classic-script build (labelbridge.global.js): the module's
// exports as the frozen global `Labelbridge`, for pages that load the SDK
// with a plain <script src> (no CORS needed, so it loads even before the
// site is approved and can say what to do). sdk/test checks that this list
// is exactly the module's exports.

import { Client, DEFAULT_PORTS, DEFAULT_TLS_PORTS, LabelbridgeError, PROTOCOL, VERSION, connect, documentFrom } from "./labelbridge";

const global = globalThis as typeof globalThis & { Labelbridge?: unknown };
global.Labelbridge = Object.freeze({ VERSION, PROTOCOL, DEFAULT_PORTS, DEFAULT_TLS_PORTS, LabelbridgeError, connect, Client, documentFrom });
