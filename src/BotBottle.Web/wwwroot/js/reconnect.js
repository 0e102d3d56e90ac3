// Blazor's default reconnection handler reloads the page once the server no longer knows the
// circuit (after a Web restart). The agents table lives on without the circuit (agent-rows.js), so
// a reload would throw away a working page: this handler reconnects or resumes when it can, and
// otherwise says what needs a reload and leaves the choice to the operator.
(() => {
  let banner = null;

  function show(text, offerReload) {
    if (!banner) {
      banner = document.createElement('div');
      banner.id = 'botbottle-reconnect';
      banner.setAttribute('role', 'status');
      banner.dataset.testid = 'reconnect-banner';
      document.body.append(banner);
    }
    banner.replaceChildren(text);
    if (offerReload) {
      const reload = document.createElement('button');
      reload.type = 'button';
      reload.textContent = 'Reload';
      reload.onclick = () => location.reload();
      banner.append(' ', reload);
    }
    banner.hidden = false;
  }

  function hide() {
    if (banner) banner.hidden = true;
  }

  const delay = ms => new Promise(resolve => setTimeout(resolve, ms));

  async function onConnectionDown() {
    show('Connection to the server lost; reconnecting…', false);
    for (let attempt = 1; ; attempt++) {
      await delay(Math.min(500 * attempt, 5000));
      try {
        if (await Blazor.reconnect()) return;
        if (await Blazor.resumeCircuit()) { hide(); return; }
        show('The server restarted. The agents table is live again; the launch form and agent pages need a reload.', true);
        return;
      } catch {
        // The server is still down; try again.
      }
    }
  }

  Blazor.start({ circuit: { reconnectionHandler: { onConnectionDown, onConnectionUp: hide } } });
})();
