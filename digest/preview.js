// digest serve: reload the page after a rebuild, show build errors over it, and follow the
// page when a rebuild moved it (or to its section's page when its article is gone).
// One tab per browser holds the event stream (a Web Lock elects it) and relays each change to
// the other tabs over a BroadcastChannel, so many open tabs never use up the browser's six
// connections per host.
(() => {
  const script = document.currentScript;
  let version = Number(script.dataset.version);
  const channel = "BroadcastChannel" in window ? new BroadcastChannel("digest-preview") : null;

  function showErrors(errors) {
    let overlay = document.getElementById("digest-error-overlay");
    if (!errors.length) {
      if (overlay) overlay.remove();
      return;
    }
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "digest-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(24,0,0,.92);color:#fff;font:14px/1.5 ui-monospace,monospace;" +
        "padding:2rem;white-space:pre-wrap;word-break:break-word";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "digest: the last rebuild failed; showing the last good site.\n\n" +
      errors.join("\n");
  }

  // A path as the site compares it: decoded, without index.html or a trailing slash.
  function normal(path) {
    let decoded = path;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      // a malformed escape: compare the path as it is
    }
    return decoded.replace(/index\.html$/, "").replace(/\/+$/, "");
  }

  // The state's moves hold this page's old URL -> where it is now; null when not moved.
  function movedTo(moves) {
    const here = normal(location.pathname);
    for (const [from, to] of Object.entries(moves || {})) {
      if (normal(from) === here) return to;
    }
    return null;
  }

  function apply(state) {
    const target = movedTo(state.moves);
    if (target) {
      location.replace(target + location.hash);
      return;
    }
    if (state.version !== version && !state.errors.length) {
      location.reload();
      return;
    }
    version = state.version;
    showErrors(state.errors);
  }

  function listen() {
    const source = new EventSource("/__digest__/events");
    source.onmessage = (event) => {
      const state = JSON.parse(event.data);
      if (channel) channel.postMessage(state);
      apply(state);
    };
    return new Promise(() => {}); // keep the lock while this tab is open
  }

  if (channel) channel.onmessage = (event) => apply(event.data);
  fetch("/__digest__/status", { cache: "no-store" })
    .then((response) => response.json())
    .then(apply)
    .catch(() => {});
  if (navigator.locks && channel) {
    navigator.locks.request("digest-preview", listen);
  } else {
    listen();
  }
})();
