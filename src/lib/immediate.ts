// exceljs's browser bundle installs a setImmediate polyfill over a MessageChannel it creates when
// it loads, unless the global exists. That channel belongs to whichever request or object first
// evaluated it; a later one posting to it hangs ("Cannot perform I/O on behalf of a different
// Durable Object"). The runtime's own (node:timers) in place first keeps the bundle off it.
import { clearImmediate, setImmediate } from "node:timers";

const global = globalThis as { setImmediate?: unknown; clearImmediate?: unknown };
global.setImmediate ??= setImmediate;
global.clearImmediate ??= clearImmediate;
