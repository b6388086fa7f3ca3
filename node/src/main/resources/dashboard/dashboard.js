// The clusternode dashboard: polls GET /cluster every second and draws it. No dependencies.
'use strict';
(function () {
  const TOKEN_KEY = 'clusternode.adminToken';
  const POLL_MS = 1000;
  const FETCH_TIMEOUT_MS = 4000;
  const HISTORY_POINTS = 120;

  const $ = (id) => document.getElementById(id);
  const esc = (v) => String(v === undefined || v === null ? '' : v)
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

  // Where /cluster is read from: this page's own node first; when it dies, any node seen so far.
  let sources = [''];
  let sourceIndex = 0;
  let lastData = null;
  const lastSeen = {};      // id -> {role, term, at}
  const prevCounts = {};    // id -> {total, sum}
  let prevTimeMs = null;
  const history = [];

  // ---- token ------------------------------------------------------------------------------
  function token() { return localStorage.getItem(TOKEN_KEY) || ''; }
  function showTokenState() {
    $('token-state').textContent = token() ? 'token saved' : 'no token: actions will get 401';
  }
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    localStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    showTokenState();
    say('info', 'Admin token saved in this browser (localStorage).');
  });
  $('token-clear').addEventListener('click', () => {
    localStorage.removeItem(TOKEN_KEY);
    showTokenState();
    say('info', 'Admin token forgotten.');
  });
  showTokenState();

  function say(kind, text) {
    const m = $('message');
    m.className = kind;
    m.textContent = text;
    m.dataset.kind = kind;
  }

  // ---- polling ----------------------------------------------------------------------------
  async function fetchJson(url, options) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), FETCH_TIMEOUT_MS);
    try {
      const r = await fetch(url, Object.assign({ cache: 'no-store', signal: ctl.signal }, options || {}));
      let body = null;
      try { body = await r.json(); } catch (e) { body = null; }
      return { status: r.status, body: body };
    } finally {
      clearTimeout(timer);
    }
  }

  async function poll() {
    let done = false;
    for (let tries = 0; tries < sources.length && !done; tries++) {
      const src = sources[sourceIndex];
      try {
        const r = await fetchJson(src + '/cluster');
        if (r.status === 200 && r.body && Array.isArray(r.body.nodes)) {
          render(r.body, src);
          done = true;
        } else {
          throw new Error('HTTP ' + r.status);
        }
      } catch (e) {
        sourceIndex = (sourceIndex + 1) % sources.length;
      }
    }
    if (!done) {
      $('source').textContent = 'no node answers /cluster (tried ' + sources.length + '); retrying…';
      document.body.dataset.connected = 'false';
      if (lastData) {
        lastData.nodes.forEach((n) => { n.status = 'unreachable'; n.error = 'no node answers'; });
        renderCards(lastData);
      }
    }
    setTimeout(poll, POLL_MS);
  }

  // ---- rendering --------------------------------------------------------------------------
  function render(data, src) {
    lastData = data;
    document.body.dataset.connected = 'true';
    const known = data.nodes.map((n) => n.http).filter(Boolean);
    sources = [''].concat(known.filter((u) => u !== location.origin));
    if (src !== '') {
      sourceIndex = sources.indexOf(src) >= 0 ? sources.indexOf(src) : 0;
    }
    $('source').textContent = 'view from ' + data.self + (src ? ' (' + src + '; this page\'s own node does not answer)' : '')
      + ' · ' + new Date(data.timeMs).toLocaleTimeString() + ' · ' + data.tookMs + ' ms';
    const sb = data.splitBrain || {};
    const v = $('verdict');
    v.className = 'pill ' + (sb.ok ? 'good' : 'bad');
    v.dataset.ok = String(!!sb.ok);
    v.textContent = 'split brain: ' + (sb.ok ? 'no' : 'YES') + ' · max leaders in one term ' + sb.maxLeadersInOneTerm
      + ' · leaders believed ' + (sb.leadersBelieved || []).join(',');
    const q = data.quorum || {};
    const qe = $('quorum');
    qe.className = 'pill ' + (q.healthy ? 'good' : 'bad');
    qe.dataset.healthy = String(!!q.healthy);
    qe.textContent = 'quorum from ' + q.from + ': ' + (q.reachableFromHere == null ? '?' : q.reachableFromHere) + '/' + q.size
      + ' reachable, needs ' + q.needed + (q.healthy ? '' : ' — NO QUORUM');
    const pbft = data.nodes.some((n) => Array.isArray(n.protocols) && n.protocols.indexOf('pbft') >= 0);
    $('byzantine-bar').hidden = !pbft;
    updateCharts(data);
    renderCards(data);
  }

  function consensusOf(n) { return n.consensus && typeof n.consensus === 'object' ? n.consensus : null; }

  function renderCards(data) {
    const cards = $('cards');
    const html = data.nodes.map((n) => card(n, data.self)).join('');
    cards.innerHTML = html;
  }

  function card(n, self) {
    const c = consensusOf(n);
    const up = n.status !== 'unreachable';
    const role = up && c ? (c.role || (c.primary !== undefined ? (c.primary === n.id ? 'primary' : 'replica') : '')) : '';
    if (up && c) { lastSeen[n.id] = { role: role, term: c.term !== undefined ? c.term : c.view, at: Date.now() }; }
    const classes = ['card', up ? (n.status === 'unreadable' ? 'unreadable' : role) : 'down'];
    const badges = [];
    if (!up) badges.push('<span class="badge down">down</span>');
    else if (n.status === 'unreadable') badges.push('<span class="badge unreadable">unreadable</span>');
    if (up && role) badges.push('<span class="badge ' + esc(role) + '">' + esc(role) + '</span>');
    if (n.id === self) badges.push('<span class="badge self">serving this view</span>');
    const rows = [];
    if (!up) {
      const seen = lastSeen[n.id];
      rows.push(['state', '<b class="error">DOWN</b>: ' + esc(n.error || 'no answer')]);
      if (seen) rows.push(['last seen', esc(seen.role) + ' in term ' + esc(seen.term) + ', ' + Math.round((Date.now() - seen.at) / 1000) + ' s ago']);
      rows.push(['restart', '<code>bin/cluster start ' + esc(n.id) + '</code>']);
    } else {
      if (n.status === 'unreadable') rows.push(['problem', '<span class="error">' + esc(n.error) + '</span>']);
      if (c && c.term !== undefined) {
        rows.push(['term', esc(c.term)]);
        rows.push(['leader', esc(c.leader || '(none known)')]);
        const lag = (c.commitIndex !== undefined && c.lastApplied !== undefined) ? (c.commitIndex - c.lastApplied) : '';
        rows.push(['commit / applied', esc(c.commitIndex) + ' / ' + esc(c.lastApplied) + ' (apply lag ' + esc(lag) + ')']);
        if (c.lag && typeof c.lag === 'object' && Object.keys(c.lag).length) {
          rows.push(['followers behind', Object.keys(c.lag).map((k) => esc(k) + ':' + esc(c.lag[k])).join(' ')]);
        }
        if (c.quorum) rows.push(['raft quorum', esc(c.quorum.reachable) + '/' + esc(c.quorum.size) + (c.quorum.healthy ? ' healthy' : ' <b class="error">lost</b>')]);
      } else if (c && c.view !== undefined) {
        rows.push(['view', esc(c.view)]);
        rows.push(['primary', esc(c.primary)]);
        rows.push(['last executed', esc(c.lastExecuted) + ' (stable checkpoint ' + esc(c.stableCheckpoint) + ')']);
      }
      rows.push(['health', esc(n.health) + (n.reachable ? ' (' + esc(n.reachable.nodes) + '/' + esc(n.reachable.of) + ' reachable)' : '')]);
      if (n.metrics && n.metrics.commitsTotal !== undefined) rows.push(['commits as leader', esc(n.metrics.commitsTotal)]);
    }
    let reach = '';
    if (up && Array.isArray(n.peers)) {
      reach = '<div class="reach" title="reachability from ' + esc(n.id) + ' (peer monitor)">reaches: ' + n.peers.map((p) =>
        '<span class="st-' + esc(p.status) + '" data-peer="' + esc(p.id) + '" data-status="' + esc(p.status) + '">' + esc(p.id)
        + (p.rttMs && typeof p.rttMs.avgMs === 'number' && p.status === 'reachable' ? ' ' + p.rttMs.avgMs.toFixed(1) + 'ms' : ' ' + esc(p.status)) + '</span>').join('') + '</div>';
    }
    let members = '';
    if (up && Array.isArray(n.members)) {
      members = '<div class="members" title="gossip (SWIM) membership as ' + esc(n.id) + ' sees it">gossip: ' + n.members.map((m) =>
        '<span class="st-' + esc(m.status) + '" data-member="' + esc(m.id) + '" data-status="' + esc(m.status) + '">' + esc(m.id) + ' ' + esc(m.status)
        + (m.incarnation !== undefined ? ' #' + esc(m.incarnation) : '') + '</span>').join('') + '</div>';
    }
    let faults = '';
    const partitioned = up && n.faults && Array.isArray(n.faults.partition) && n.faults.partition.length > 0;
    if (up && n.faults) {
      faults = '<div class="faults" data-partitioned="' + partitioned + '">faults: ' + esc(describeFaults(n.faults)) + '</div>';
    }
    const buttons = '<div class="buttons">'
      + '<button data-action="isolate" data-id="' + esc(n.id) + '"' + (up ? '' : ' disabled') + '>Isolate</button>'
      + '<button data-action="kill" data-id="' + esc(n.id) + '"' + (up ? '' : ' disabled') + '>Kill (halt JVM)</button>'
      + '<button data-action="restart" data-id="' + esc(n.id) + '">Restart…</button></div>';
    return '<article class="' + classes.join(' ') + '" id="card-' + esc(n.id) + '" data-id="' + esc(n.id) + '" data-status="'
      + (up ? (n.status === 'unreadable' ? 'unreadable' : 'up') : 'down') + '" data-role="' + esc(role) + '" data-term="'
      + esc(c && c.term !== undefined ? c.term : '') + '" data-partitioned="' + partitioned + '">'
      + '<h2>' + esc(n.id) + ' ' + badges.join(' ') + '</h2>'
      + '<table class="kv">' + rows.map((r) => '<tr><td>' + r[0] + '</td><td>' + r[1] + '</td></tr>').join('') + '</table>'
      + reach + members + faults + buttons + '</article>';
  }

  function describeFaults(f) {
    const parts = [];
    if (Array.isArray(f.partition) && f.partition.length) parts.push('partition ' + f.partition.map((g) => g.join(',')).join(' | '));
    if (Array.isArray(f.cuts) && f.cuts.length) parts.push('cuts ' + f.cuts.map((c) => c.join('→')).join(' '));
    ['drop', 'delayMs', 'jitterMs', 'duplicate'].forEach((k) => { if (f[k]) parts.push(k + ' ' + f[k]); });
    return parts.length ? parts.join('; ') : 'none';
  }

  // ---- charts -----------------------------------------------------------------------------
  function updateCharts(data) {
    let dCount = 0; let dSum = 0;
    let leaderMetrics = null; let leaderTerm = -1;
    data.nodes.forEach((n) => {
      const m = n.metrics;
      const c = consensusOf(n);
      if (!m || m.commitsTotal === undefined) return;
      const prev = prevCounts[n.id];
      if (prev && m.commitsTotal >= prev.total) {
        dCount += m.commitsTotal - prev.total;
        dSum += (m.commitLatencySumMs || 0) - (prev.sum || 0);
      }
      prevCounts[n.id] = { total: m.commitsTotal, sum: m.commitLatencySumMs || 0 };
      if (c && c.role === 'leader' && c.term > leaderTerm) { leaderTerm = c.term; leaderMetrics = m; }
    });
    const now = data.timeMs;
    if (prevTimeMs !== null && now > prevTimeMs) {
      const dt = (now - prevTimeMs) / 1000;
      history.push({
        rate: dCount / dt,
        p50: leaderMetrics ? leaderMetrics.commitLatencyP50Ms : null,
        p99: leaderMetrics ? leaderMetrics.commitLatencyP99Ms : null,
        avg: dCount > 0 ? dSum / dCount : null,
      });
      while (history.length > HISTORY_POINTS) history.shift();
    }
    prevTimeMs = now;
    draw($('chart-rate'), [{ key: 'rate', color: '#1d2330' }]);
    draw($('chart-latency'), [{ key: 'p50', color: '#1565c0' }, { key: 'p99', color: '#c62828' }, { key: 'avg', color: '#2e7d32' }]);
    const last = history[history.length - 1];
    if (last) {
      $('chart-rate').dataset.last = String(Math.round(last.rate));
      $('chart-rate').dataset.max = String(Math.round(Math.max.apply(null, history.map((p) => p.rate))));
    }
  }

  function draw(canvas, series) {
    const g = canvas.getContext('2d');
    const w = canvas.width; const h = canvas.height; const pad = 28;
    g.clearRect(0, 0, w, h);
    let max = 1;
    history.forEach((p) => series.forEach((s) => { if (p[s.key] != null && p[s.key] > max) max = p[s.key]; }));
    max = niceCeil(max);
    g.strokeStyle = '#ccd'; g.fillStyle = '#556'; g.font = '10px sans-serif'; g.lineWidth = 1;
    for (let i = 0; i <= 2; i++) {
      const y = pad / 2 + (h - pad) * i / 2;
      g.beginPath(); g.moveTo(pad, y); g.lineTo(w, y); g.stroke();
      g.fillText(String(Math.round(max * (2 - i) / 2 * 10) / 10), 0, y + 3);
    }
    g.fillText(HISTORY_POINTS + ' s', w - 30, h - 2);
    series.forEach((s) => {
      g.strokeStyle = s.color; g.lineWidth = 2; g.beginPath();
      let started = false;
      history.forEach((p, i) => {
        const v = p[s.key];
        const x = pad + (w - pad) * (i + HISTORY_POINTS - history.length) / (HISTORY_POINTS - 1);
        if (v == null) { started = false; return; }
        const y = pad / 2 + (h - pad) * (1 - v / max);
        if (started) g.lineTo(x, y); else { g.moveTo(x, y); started = true; }
      });
      g.stroke();
    });
  }

  function niceCeil(v) {
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 5, 10]) { if (v <= m * p) return m * p; }
    return 10 * p;
  }

  // ---- actions ----------------------------------------------------------------------------
  async function admin(method, path, body, what) {
    if (sources[sourceIndex] !== '') {
      say('error', 'This page\'s own node does not answer; open ' + sources[sourceIndex] + '/ to act on the cluster.');
      return null;
    }
    const headers = { 'Content-Type': 'application/json' };
    if (token()) headers.Authorization = 'Bearer ' + token();
    try {
      const r = await fetchJson(path, { method: method, headers: headers, body: body === null ? undefined : JSON.stringify(body) });
      if (r.status === 401) {
        say('error', '401 Unauthorized: ' + ((r.body && r.body.error) || 'admin token needed')
          + '. Enter the admin token (from target/cluster/admin-token) above and try again.');
        return null;
      }
      if (r.status >= 400) {
        say('error', what + ' failed: HTTP ' + r.status + ' ' + ((r.body && r.body.error) || ''));
        return null;
      }
      const results = r.body && r.body.results ? r.body.results : {};
      const failed = Object.keys(results).filter((k) => !results[k].ok);
      say(failed.length ? 'error' : 'info', what + ': ' + (failed.length
        ? 'not applied on ' + failed.map((k) => k + ' (' + (results[k].status || 'no answer') + ')').join(', ')
        : 'done on ' + Object.keys(results).join(', ')));
      return r.body;
    } catch (e) {
      say('error', what + ' failed: ' + e);
      return null;
    }
  }

  function allIds() { return lastData ? lastData.nodes.map((n) => n.id) : []; }

  $('partition').addEventListener('click', () => {
    const text = $('partition-groups').value.trim();
    const groups = text.split(/[|;]/).map((g) => g.split(/[\s,]+/).filter(Boolean)).filter((g) => g.length);
    if (groups.length < 1) { say('error', 'Name the groups, e.g. n1,n2 | n3,n4,n5'); return; }
    admin('POST', '/admin/cluster/faults', { partition: groups }, 'partition ' + groups.map((g) => g.join(',')).join(' | '));
  });
  $('heal').addEventListener('click', () => admin('DELETE', '/admin/cluster/faults', null, 'heal'));
  $('byzantine-set').addEventListener('click', () => {
    const id = $('byzantine-node').value.trim(); const mode = $('byzantine-mode').value.trim();
    admin('POST', '/admin/cluster/byzantine/' + encodeURIComponent(id), { mode: mode }, 'set ' + id + ' Byzantine (' + mode + ')');
  });
  $('cards').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action]');
    if (!b) return;
    const id = b.dataset.id;
    if (b.dataset.action === 'isolate') {
      const others = allIds().filter((x) => x !== id);
      admin('POST', '/admin/cluster/faults', { partition: [[id], others] }, 'isolate ' + id);
    } else if (b.dataset.action === 'kill') {
      admin('POST', '/admin/cluster/shutdown/' + encodeURIComponent(id), null, 'kill ' + id + ' (its JVM halts at once)');
    } else if (b.dataset.action === 'restart') {
      say('info', 'A node cannot start another JVM. Restart ' + id + ' from a shell: bin/cluster start ' + id);
    }
  });

  poll();
})();
