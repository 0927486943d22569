// The Worker isolate's JS heap, read through workerd's inspector (Chrome DevTools Protocol):
// the number the 128 MB limit applies to, apart from the process's RSS. An attached inspector
// slows the isolate, so it samples for a short while only.
export async function sampleHeap(inspectorPort, { forMs = 2000, everyMs = 100 } = {}) {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json();
  const target = targets.find((t) => t.title?.includes("retail-edge")) ?? targets[0];
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
  const answers = new Map();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    answers.get(message.id)?.(message.result);
  });
  let peak = 0;
  const until = Date.now() + forMs;
  for (let id = 1; Date.now() < until; id++) {
    const usage = await new Promise((resolve) => {
      answers.set(id, resolve);
      socket.send(JSON.stringify({ id, method: "Runtime.getHeapUsage" }));
    });
    peak = Math.max(peak, usage?.usedSize ?? 0);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  socket.close();
  return peak;
}
