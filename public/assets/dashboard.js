// Keeps the dashboard's charts current: a WebSocket tells of each change (at most once a
// second); while it is down, the page polls every 2 s and keeps trying to reconnect.
(() => {
  const root = document.querySelector("[data-live]");
  if (!root) return;
  const charts = root.querySelector("[data-charts]");
  const status = document.querySelector("[data-live-status]");
  const updated = document.querySelector("[data-updated]");
  const fragment = root.dataset.fragment;
  let poller = null;
  let attempts = 0;
  let pending = false;

  const show = (text, state) => {
    status.textContent = text;
    status.dataset.state = state;
  };

  async function refresh() {
    if (pending) return;
    pending = true;
    try {
      const res = await fetch(fragment, {
        credentials: "same-origin",
        headers: { accept: "text/html" },
      });
      if (res.redirected || res.status === 401) {
        show("signed out — reload to sign in again", "reconnecting");
        return;
      }
      if (res.ok) {
        charts.innerHTML = await res.text();
        // In UTC, as the server writes it and as the page's other times are.
        const now = new Date().toISOString();
        updated.textContent = `${now.slice(11, 19)} UTC`;
        updated.dateTime = now;
      }
    } catch {
      show("offline — retrying", "reconnecting");
    } finally {
      pending = false;
    }
  }

  function poll(on) {
    if (on && !poller) poller = setInterval(refresh, 2000);
    if (!on && poller) {
      clearInterval(poller);
      poller = null;
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/dashboard/live`);
    const ping = setInterval(() => socket.readyState === 1 && socket.send("ping"), 20000);
    socket.addEventListener("open", () => {
      attempts = 0;
      poll(false);
      show("live", "live");
      refresh();
    });
    socket.addEventListener("message", (event) => {
      if (event.data !== "pong") refresh();
    });
    socket.addEventListener("close", () => {
      clearInterval(ping);
      show("reconnecting…", "reconnecting");
      poll(true);
      setTimeout(connect, Math.min(30000, 1000 * 2 ** attempts++));
    });
  }

  show("connecting…", "reconnecting");
  connect();
})();
