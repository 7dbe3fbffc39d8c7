/* The operator console: plain browser JavaScript over the REST API and the socket. */
(() => {
  'use strict';

  const REASONS = ['spam', 'harassment', 'hate', 'sexual', 'violence', 'self_harm', 'scam', 'minor_safety', 'other'];
  const ACTIONS = {
    live: ['dismiss', 'ban_from_app', 'end_live'],
    message: ['dismiss', 'delete_message', 'kick', 'ban_from_live', 'ban_from_app', 'end_live'],
    user: ['dismiss', 'kick', 'ban_from_live', 'ban_from_app', 'end_live'],
  };
  const DURATIONS = [
    ['', 'no end'],
    ['600000', '10 min'],
    ['3600000', '1 hour'],
    ['86400000', '1 day'],
    ['604800000', '7 days'],
  ];
  const CHART_REFRESH_MS = 10_000;

  const $ = (selector, root = document) => root.querySelector(selector);
  const state = { token: sessionStorage.getItem('consoleToken'), lives: new Map(), socket: null, openLive: null };
  // Lives announced by live:created lately, by id: the active list is cached up to a second, so a
  // reload sent just after an announcement may not hold the live yet.
  const announced = new Map();
  const ANNOUNCED_KEEP_MS = 5000;
  const charts = {};
  window.consoleState = state;
  window.consoleCharts = charts;

  // ---- REST ----------------------------------------------------------------------------------
  async function api(method, path, body) {
    const response = await fetch(`/api${path}`, {
      method,
      headers: { authorization: `Bearer ${state.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) throw Object.assign(new Error(data?.message ?? response.statusText), { code: data?.code });
    return data;
  }

  // ---- small DOM helpers -----------------------------------------------------------------------
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
    }
    for (const child of children.flat()) if (child) node.append(child);
    return node;
  }
  const time = (iso) => (iso ? new Date(iso).toLocaleString() : '');
  const number = (n) => (n ?? 0).toLocaleString();

  // ---- sign in ---------------------------------------------------------------------------------
  async function signIn(token) {
    state.token = token.trim();
    try {
      await api('GET', '/admin/bans?limit=1');
    } catch (error) {
      state.token = null;
      throw error;
    }
    sessionStorage.setItem('consoleToken', state.token);
    $('#sign-in').hidden = true;
    $('#app').hidden = false;
    $('#sign-out').hidden = false;
    $('#who').textContent = subjectOf(state.token);
    connectSocket();
    await loadLives();
  }

  function subjectOf(token) {
    try {
      return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub ?? '';
    } catch {
      return '';
    }
  }

  $('#sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('#sign-in-error').textContent = '';
    try {
      await signIn($('#token').value);
    } catch (error) {
      $('#sign-in-error').textContent =
        error.code === 'ADMIN_ONLY' ? 'This token has no admin role.' : `Sign-in failed: ${error.message}`;
    }
  });
  $('#sign-out').addEventListener('click', () => {
    sessionStorage.removeItem('consoleToken');
    location.reload();
  });

  // ---- tabs ------------------------------------------------------------------------------------
  const loaders = { lives: loadLives, reports: loadReports, bans: loadBans, audit: () => loadAudit(true) };
  function show(panel) {
    for (const node of document.querySelectorAll('[data-panel]')) node.hidden = node.dataset.panel !== panel;
    const tab = panel === 'live' ? 'lives' : panel;
    for (const button of document.querySelectorAll('[data-tab]')) {
      button.setAttribute('aria-selected', String(button.dataset.tab === tab));
    }
    if (panel !== 'live') state.openLive = null;
  }
  for (const button of document.querySelectorAll('[data-tab]')) {
    button.addEventListener('click', () => {
      show(button.dataset.tab);
      loaders[button.dataset.tab]().catch(report);
    });
  }
  function report(error) {
    console.error(error);
  }

  // ---- lives, live over the socket ---------------------------------------------------------------
  function connectSocket() {
    const socket = io({ transports: ['websocket'], auth: { token: state.token } });
    state.socket = socket;
    const badge = $('#socket-state');
    socket.on('connect', () => {
      badge.textContent = 'live';
      badge.classList.add('on');
      socket.emit('admin:watch', {}, () => undefined);
      loadLives().catch(report);
    });
    socket.on('disconnect', () => {
      badge.textContent = 'offline';
      badge.classList.remove('on');
    });
    socket.on('live:created', ({ live }) => {
      announced.set(live.id, { live, at: Date.now() });
      state.lives.set(live.id, live);
      renderLives();
    });
    socket.on('live:ended', ({ live }) => {
      announced.delete(live.id);
      state.lives.delete(live.id);
      renderLives();
      if (state.openLive === live.id) renderLiveCounts(live);
    });
    socket.on('admin:live:stats', ({ lives }) => {
      for (const counts of lives) {
        const live = state.lives.get(counts.liveStreamId);
        if (!live) continue;
        if (counts.viewerCount !== undefined) live.stats.viewerCount = counts.viewerCount;
        if (counts.diamonds !== undefined) live.stats.diamonds = counts.diamonds;
        if (counts.giftCount !== undefined) live.stats.giftCount = counts.giftCount;
        if (counts.newMessages) live.stats.messageCount += counts.newMessages;
        updateLiveCard(live);
        if (state.openLive === live.id) renderLiveCounts(live);
      }
    });
  }

  async function loadLives() {
    const page = await api('GET', '/live/active?limit=100');
    state.lives = new Map(page.items.map((live) => [live.id, live]));
    const now = Date.now();
    for (const [id, { live, at }] of announced) {
      if (now - at > ANNOUNCED_KEEP_MS) announced.delete(id);
      else if (!state.lives.has(id)) state.lives.set(id, live);
    }
    renderLives();
  }

  function renderLives() {
    const lives = [...state.lives.values()].sort((a, b) => b.stats.viewerCount - a.stats.viewerCount);
    $('#lives').replaceChildren(...lives.map(liveCard));
    $('#no-lives').hidden = lives.length > 0;
    $('#live-total').textContent = lives.length ? `(${lives.length})` : '';
  }

  function liveCard(live) {
    return el(
      'article',
      { class: 'live-card', 'data-live-id': live.id, tabindex: '0', onclick: () => openLive(live.id) },
      el('h3', { text: live.title }),
      el('p', { class: 'muted', text: `${live.liveType} · host ${live.hostName} · since ${time(live.startedAt)}` }),
      el('div', { class: 'stats' }, ...countTiles(live)),
    );
  }

  function countTiles(live) {
    return [
      ['viewers', live.stats.viewerCount, 'viewers'],
      ['messages', live.stats.messageCount, 'messages'],
      ['gifts', live.stats.giftCount, 'gifts'],
      ['diamonds', live.stats.diamonds, 'diamonds'],
    ].map(([key, value, label]) =>
      el('div', { class: 'stat' }, el('b', { 'data-count': key, text: number(value) }), el('span', { text: label })),
    );
  }

  function updateLiveCard(live) {
    const card = document.querySelector(`[data-live-id="${live.id}"]`);
    if (card) card.replaceWith(liveCard(live));
  }

  // ---- one live: counts and charts ---------------------------------------------------------------
  async function openLive(liveId) {
    state.openLive = liveId;
    show('live');
    const live = state.lives.get(liveId) ?? (await api('GET', `/live/${liveId}`));
    $('#live-title').textContent = live.title;
    $('#live-meta').textContent = `${live.liveType} · host ${live.hostName} (${live.hostId}) · id ${live.id}`;
    renderLiveCounts(live);
    await refreshCharts(liveId);
  }

  function renderLiveCounts(live) {
    $('#live-counts').replaceChildren(...countTiles(live));
  }

  async function refreshCharts(liveId) {
    if (state.openLive !== liveId) return;
    const timeline = await api('GET', `/live/${liveId}/stats/timeline`);
    const labels = timeline.minutes.map((m) =>
      new Date(m.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
    );
    drawChart('viewers', 'line', labels, [
      { label: 'Viewers', data: timeline.minutes.map((m) => m.viewers), tension: 0.25, fill: true },
      { label: 'Joins', data: timeline.minutes.map((m) => m.joins), tension: 0.25 },
    ]);
    drawChart('gifts', 'bar', labels, [
      { label: 'Gifts', data: timeline.minutes.map((m) => m.gifts), yAxisID: 'y' },
      { label: 'Diamonds', data: timeline.minutes.map((m) => m.diamonds), yAxisID: 'y1', type: 'line' },
    ]);
    clearTimeout(state.chartTimer);
    state.chartTimer = setTimeout(() => refreshCharts(liveId).catch(report), CHART_REFRESH_MS);
  }

  function drawChart(name, type, labels, datasets) {
    const canvas = $(`#${name}-chart`);
    const scales =
      name === 'gifts'
        ? { y: { beginAtZero: true }, y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } } }
        : { y: { beginAtZero: true, ticks: { precision: 0 } } };
    if (charts[name]) {
      charts[name].data.labels = labels;
      charts[name].data.datasets.forEach((dataset, i) => (dataset.data = datasets[i].data));
      charts[name].update();
    } else {
      charts[name] = new Chart(canvas, {
        type,
        data: { labels, datasets },
        options: { responsive: true, maintainAspectRatio: false, animation: false, scales },
      });
    }
    canvas.parentElement.dataset.points = String(labels.length);
  }

  $('#back-to-lives').addEventListener('click', () => show('lives'));

  // ---- reports ---------------------------------------------------------------------------------
  $('#report-status').addEventListener('change', () => loadReports().catch(report));

  async function loadReports() {
    const status = $('#report-status').value;
    const page = await api('GET', `/admin/reports?status=${status}&limit=50`);
    $('#reports').replaceChildren(...page.items.map(reportCard));
    $('#no-reports').hidden = page.items.length > 0;
  }

  function reportCard(item) {
    const action = el('select', { class: 'resolve-action', 'aria-label': 'Action' });
    for (const name of ACTIONS[item.targetType])
      action.append(el('option', { value: name, text: name.replace(/_/g, ' ') }));
    const duration = el('select', { class: 'resolve-duration', 'aria-label': 'Duration' });
    for (const [value, label] of DURATIONS) duration.append(el('option', { value, text: label }));
    const outcome = el('p', { class: 'muted', role: 'status' });
    const resolve = el('button', {
      class: 'resolve-button small',
      text: 'Resolve',
      onclick: async () => {
        resolve.disabled = true;
        try {
          const done = await api('POST', `/admin/reports/${item.id}/resolve`, {
            action: action.value,
            ...(duration.value ? { durationMs: Number(duration.value) } : {}),
          });
          outcome.textContent = `Resolved: ${done.resolution.action} (${done.resolution.result})`;
          setTimeout(() => loadReports().catch(report), 800);
        } catch (error) {
          outcome.textContent = `${error.code ?? 'Error'}: ${error.message}`;
          resolve.disabled = false;
        }
      },
    });
    return el(
      'article',
      { 'data-report-id': item.id },
      el('h3', { text: `${item.reason.replace(/_/g, ' ')} · ${item.targetType}` }),
      el('p', { text: `About ${item.targetUserId}${item.liveId ? ` in live ${item.liveId}` : ''}` }),
      item.targetText ? el('blockquote', { text: item.targetText }) : null,
      item.text ? el('p', { text: `“${item.text}”` }) : null,
      el('p', { class: 'muted', text: `${time(item.createdAt)} · by ${item.reporterId}` }),
      item.resolution
        ? el('p', {
            text: `${item.resolution.action} by ${item.resolution.actorId} (${item.resolution.result})`,
          })
        : el('div', { class: 'resolve' }, action, duration, resolve),
      outcome,
    );
  }

  // ---- bans ------------------------------------------------------------------------------------
  for (const reason of REASONS)
    $('#ban-reason').append(el('option', { value: reason, text: reason.replace(/_/g, ' ') }));

  $('#ban-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const userId = $('#ban-user').value.trim();
    const durationMs = $('#ban-duration').value;
    try {
      const ban = await api('POST', '/admin/bans', {
        userId,
        reason: $('#ban-reason').value,
        ...(durationMs ? { durationMs: Number(durationMs) } : {}),
      });
      $('#ban-message').textContent = `${ban.userId} is banned ${ban.until ? `until ${time(ban.until)}` : 'for good'}.`;
      $('#ban-user').value = '';
      await loadBans();
    } catch (error) {
      $('#ban-message').textContent = `${error.code ?? 'Error'}: ${error.message}`;
    }
  });

  async function loadBans() {
    const page = await api('GET', '/admin/bans?limit=100');
    $('#bans').replaceChildren(
      ...page.items.map((ban) =>
        el(
          'article',
          { 'data-ban-user': ban.userId },
          el('h3', { text: ban.userId }),
          el('p', { text: ban.until ? `until ${time(ban.until)}` : 'for good' }),
          el('p', {
            class: 'muted',
            text: `${ban.reason ?? 'no reason'} · by ${ban.actorId} · ${time(ban.createdAt)}`,
          }),
          el('button', {
            class: 'outline small',
            text: 'Unban',
            onclick: async () => {
              await api('DELETE', `/admin/bans/${encodeURIComponent(ban.userId)}`);
              await loadBans();
            },
          }),
        ),
      ),
    );
    $('#no-bans').hidden = page.items.length > 0;
  }

  // ---- audit log -------------------------------------------------------------------------------
  let auditCursor = null;
  async function loadAudit(fresh) {
    if (fresh) auditCursor = null;
    const page = await api('GET', `/admin/audit?limit=50${auditCursor ? `&cursor=${auditCursor}` : ''}`);
    const cards = page.items.map((entry) =>
      el(
        'article',
        { 'data-audit-id': entry.id },
        el('h3', { text: `${entry.action.replace(/_/g, ' ')} · ${entry.targetType} ${entry.targetId}` }),
        el('p', { text: `by ${entry.actorId}${entry.liveId ? ` in live ${entry.liveId}` : ''}` }),
        Object.keys(entry.result).length ? el('code', { text: JSON.stringify(entry.result) }) : null,
        el('p', { class: 'muted', text: `${time(entry.at)}${entry.reason ? ` · ${entry.reason}` : ''}` }),
      ),
    );
    if (fresh) $('#audit').replaceChildren(...cards);
    else $('#audit').append(...cards);
    auditCursor = page.nextCursor;
    $('#audit-more').hidden = !auditCursor;
  }
  $('#audit-more').addEventListener('click', () => loadAudit(false).catch(report));

  // ---- start -----------------------------------------------------------------------------------
  if (state.token) signIn(state.token).catch(() => sessionStorage.removeItem('consoleToken'));
})();
