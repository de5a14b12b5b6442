// digest serve: reload the page after a rebuild, show build errors over it.
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

  function apply(state) {
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
