// The live agents table: rows arrive over the /hubs/bottles SignalR hub, not Blazor's circuit, so
// the table keeps updating through dropped connections and Web restarts (the client reconnects by
// itself and asks for the rows again) without reloading the page. Stop goes through the hub too.
window.botbottleRows = (() => {
  let connection = null;
  let rows = [];
  let table = null;
  let confirming = null;

  function setState(state, problem) {
    document.querySelectorAll('[data-rows-connection]').forEach(e => {
      e.dataset.state = state;
      e.textContent = problem || (state === 'live' ? 'live' : 'reconnecting…');
    });
  }

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null) node.setAttribute(name, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  function time(iso) {
    const d = new Date(iso);
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map(n => String(n).padStart(2, '0')).join(':');
  }

  function stopCell(row) {
    const cell = el('td', { class: 'mud-table-cell' });
    if (confirming === row.slug) {
      const confirm = el('button', { type: 'button', class: 'rows-button danger', 'aria-label': `Confirm stopping ${row.label}` }, 'Confirm stop');
      confirm.onclick = async () => {
        confirming = null;
        render();
        try {
          await connection.invoke('Stop', row.slug);
        } catch {
          setState('reconnecting', `Could not stop ${row.label}: not connected. Try again once the table is live.`);
        }
      };
      const cancel = el('button', { type: 'button', class: 'rows-button' }, 'Cancel');
      cancel.onclick = () => { confirming = null; render(); };
      cell.append(confirm, cancel);
      queueMicrotask(() => confirm.focus());
    } else {
      const stop = el('button', { type: 'button', class: 'rows-button', 'aria-label': `Stop ${row.label}` }, 'Stop');
      stop.onclick = () => { confirming = row.slug; render(); };
      cell.append(stop);
    }
    return cell;
  }

  function rowElement(row, dark) {
    const label = el('span', { class: 'agent-label', 'data-slug': row.slug, 'data-color': row.color, style: (dark ? row.styleDark : row.styleLight) || null }, row.label);
    const services = el('td', { class: 'mud-table-cell' }, row.services.join(', '));
    if (row.egressDenied > 0) {
      services.append(' ', el('span', { class: 'egress-denied', 'data-testid': 'egress-denied', title: "Requests the egress proxy refused; see the agent's events" }, `${row.egressDenied} denied`));
    }
    return el('tr', { class: 'mud-table-row', 'data-slug': row.slug },
      el('td', { class: 'mud-table-cell' }, el('a', { href: `agents/${row.slug}`, class: 'agent-link' }, label)),
      el('td', { class: 'mud-table-cell' }, row.agent),
      el('td', { class: 'mud-table-cell' }, row.backend),
      el('td', { class: 'mud-table-cell' }, el('code', {}, row.shortSlug)),
      el('td', { class: 'mud-table-cell' }, time(row.startedAt)),
      el('td', { class: 'mud-table-cell' }, row.status),
      services,
      stopCell(row));
  }

  function render() {
    if (!table || !table.isConnected) return;
    const body = table.querySelector('tbody');
    const dark = table.dataset.dark !== 'false';
    if (confirming && !rows.some(r => r.slug === confirming)) confirming = null;
    const focused = document.activeElement && body.contains(document.activeElement) ? document.activeElement.getAttribute('aria-label') : null;
    body.replaceChildren(...(rows.length === 0
      ? [el('tr', {}, el('td', { class: 'mud-table-cell', colspan: '8' }, 'No agents are running.'))]
      : rows.map(r => rowElement(r, dark))));
    if (focused) body.querySelector(`[aria-label="${CSS.escape(focused)}"]`)?.focus();
  }

  async function catchUp() {
    try {
      rows = await connection.invoke('Rows');
      setState('live');
      render();
    } catch {
      // Connected but the rows did not come: ask again shortly rather than show a stale table as live.
      setState('reconnecting');
      setTimeout(() => connection.state === 'Connected' && catchUp(), 2000);
    }
  }

  async function start() {
    try {
      await connection.start();
    } catch {
      setState('reconnecting');
      setTimeout(start, 2000);
      return;
    }

    await catchUp();
  }

  function connect() {
    connection = new signalR.HubConnectionBuilder()
      .withUrl('hubs/bottles')
      // Never give up: a Web restart can take a while, and the table should come back by itself.
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: context => Math.min(500 * (context.previousRetryCount + 1), 5000) })
      .build();
    connection.on('rows', update => { rows = update; render(); });
    connection.onreconnecting(() => setState('reconnecting'));
    connection.onreconnected(catchUp);
    connection.onclose(() => { setState('reconnecting'); setTimeout(start, 2000); });
    start();
  }

  return {
    // Called by the agents page each time it renders its (empty) table body.
    attach(element) {
      table = element;
      new MutationObserver(render).observe(element, { attributes: true, attributeFilter: ['data-dark'] });
      if (!connection) connect(); else if (connection.state === 'Connected') catchUp();
      render();
    },
  };
})();
