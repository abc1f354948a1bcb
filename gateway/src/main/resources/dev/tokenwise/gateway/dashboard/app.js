// The tokenwise dashboard: reads the JSON API under /v1/tokenwise/ and draws it with ECharts.
// No build step: plain browser JavaScript, served from the gateway's jar.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const COLORS = ['#4aa3ff', '#3fb950', '#d29922', '#a371f7', '#f85149', '#39c5cf', '#db61a2', '#8b98a5'];
  const charts = {};
  const state = { lastSummary: null, timer: null, inFlight: false };
  window.tokenwise = { charts: charts, state: state, refresh: refresh };

  function usd(v) {
    const n = Number(v);
    if (!isFinite(n) || n === 0) return '$0.00';
    const a = Math.abs(n);
    const digits = a >= 1 ? 2 : a >= 0.01 ? 4 : 6;
    return (n < 0 ? '-$' : '$') + a.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  // short axis labels: $0.0005, $1.2, $350
  function usdAxis(v) {
    const n = Number(v);
    if (n === 0) return '$0';
    return '$' + (Math.abs(n) >= 1 ? n.toFixed(n >= 100 ? 0 : 1) : Number(n.toPrecision(2)).toString());
  }
  // table money: three significant digits below a cent
  function usdShort(v) {
    const n = Number(v);
    if (!isFinite(n) || n === 0) return '$0';
    const a = Math.abs(n);
    const t = a >= 1 ? a.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
      : a >= 0.01 ? a.toFixed(4) : Number(a.toPrecision(3)).toString();
    return (n < 0 ? '-$' : '$') + t;
  }
  function int(v) { return Number(v).toLocaleString('en-US'); }
  function pct(v) { return (Number(v) * 100).toFixed(1) + '%'; }
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }
  function time(iso) {
    const d = new Date(iso);
    return d.toLocaleTimeString('en-GB', { hour12: false }) + (Date.now() - d.getTime() > 86400000 ? ' ' + d.toISOString().slice(5, 10) : '');
  }

  function query() {
    const p = new URLSearchParams();
    p.set('range', $('range').value);
    const t = $('tenant').value.trim();
    if (t) p.set('tenant', t);
    return p;
  }

  async function api(path, extra) {
    const p = query();
    if (extra) Object.entries(extra).forEach(([k, v]) => p.set(k, v));
    const r = await fetch('/v1/tokenwise/' + path + '?' + p.toString(), { credentials: 'same-origin', cache: 'no-store' });
    if (r.status === 401 || r.status === 403) { window.location.reload(); throw new Error('signed out'); }
    const body = await r.json();
    if (!r.ok) throw new Error((body.error && body.error.message) || ('HTTP ' + r.status));
    return body;
  }

  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init($(id), null, { renderer: 'svg' });
    return charts[id];
  }

  const axisStyle = { axisLine: { lineStyle: { color: '#3a4756' } }, axisLabel: { color: '#8b98a5' }, splitLine: { lineStyle: { color: '#222c37' } } };
  const tooltip = { backgroundColor: '#0b0f13', borderColor: '#263240', textStyle: { color: '#e6edf3' } };

  function empty(id, text) {
    const c = chart(id);
    c.clear();
    c.setOption({ title: { text: text || 'no requests in this range yet', left: 'center', top: 'middle', textStyle: { color: '#8b98a5', fontSize: 13, fontWeight: 400 } } });
  }

  function drawSpend(ts) {
    if (!ts.points.length) return empty('chart-spend');
    let cost = 0, base = 0;
    const step = ts.bucket_seconds * 1000;
    // start both lines at zero one bucket before the first request, so the gap opens visibly
    const start = ts.points[0].t_ms - step;
    const costSeries = [[start, 0]], baseSeries = [[start, 0]];
    ts.points.forEach((p) => {
      cost += Number(p.cost_usd); base += Number(p.baseline_usd);
      costSeries.push([p.t_ms + step, +cost.toFixed(10)]);
      baseSeries.push([p.t_ms + step, +base.toFixed(10)]);
    });
    const c = chart('chart-spend');
    c.setOption({
      color: ['#8b98a5', '#4aa3ff'], tooltip: Object.assign({ trigger: 'axis', valueFormatter: usd }, tooltip),
      legend: { data: ['Baseline', 'Spend'], textStyle: { color: '#e6edf3' }, top: 0 },
      grid: { left: 12, right: 24, top: 34, bottom: 8, containLabel: true },
      xAxis: Object.assign({ type: 'time' }, axisStyle),
      yAxis: Object.assign({ type: 'value', splitNumber: 4 }, axisStyle, { axisLabel: { color: '#8b98a5', formatter: usdAxis } }),
      series: [
        { name: 'Baseline', type: 'line', showSymbol: false, data: baseSeries, areaStyle: { color: 'rgba(63,185,80,0.22)' }, lineStyle: { type: 'dashed' } },
        { name: 'Spend', type: 'line', showSymbol: false, data: costSeries, areaStyle: { color: '#171e26', opacity: 1 }, lineStyle: { width: 2 } },
      ],
    }, true);
  }

  function drawStrategy(b) {
    const groups = b.groups.filter((g) => Number(g.saved_usd) !== 0 || g.key !== 'none');
    if (!groups.length) return empty('chart-strategy', 'no savings in this range yet');
    const rows = groups.slice().sort((x, y) => Number(x.saved_usd) - Number(y.saved_usd));
    chart('chart-strategy').setOption({
      color: ['#3fb950'], tooltip: Object.assign({ trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: usd }, tooltip),
      grid: { left: 12, right: 30, top: 10, bottom: 8, containLabel: true },
      xAxis: Object.assign({ type: 'value', splitNumber: 3 }, axisStyle, { axisLabel: { color: '#8b98a5', formatter: usdAxis } }),
      yAxis: Object.assign({ type: 'category', data: rows.map((g) => g.key) }, axisStyle),
      series: [{ name: 'Saved', type: 'bar', data: rows.map((g) => Number(g.saved_usd)), barMaxWidth: 26 }],
    }, true);
  }

  function drawCache(b, total) {
    if (!total) return empty('chart-cache');
    const order = ['hit-exact', 'hit-semantic', 'miss', 'bypass'];
    const byKey = {};
    b.groups.forEach((g) => { byKey[g.key] = g.requests; });
    const keys = order.filter((k) => byKey[k] !== undefined).concat(Object.keys(byKey).filter((k) => !order.includes(k)));
    const colors = { 'hit-exact': '#3fb950', 'hit-semantic': '#39c5cf', miss: '#8b98a5', bypass: '#d29922' };
    chart('chart-cache').setOption({
      tooltip: Object.assign({ trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => (v * 100).toFixed(1) + '%' }, tooltip),
      grid: { left: 12, right: 20, top: 22, bottom: 8, containLabel: true },
      xAxis: Object.assign({ type: 'category', data: keys }, axisStyle),
      yAxis: Object.assign({ type: 'value', max: 1 }, axisStyle, { axisLabel: { color: '#8b98a5', formatter: (v) => Math.round(v * 100) + '%' } }),
      series: [{ name: 'Share of requests', type: 'bar', barMaxWidth: 48,
        label: { show: true, position: 'top', color: '#e6edf3', formatter: (p) => (p.value * 100).toFixed(1) + '%' },
        data: keys.map((k) => ({ value: byKey[k] / total, itemStyle: { color: colors[k] || '#a371f7' } })) }],
    }, true);
  }

  function drawRouting(b) {
    if (!b.groups.length) return empty('chart-routing');
    const total = b.groups.reduce((a, g) => a + g.requests, 0);
    const share = {};
    b.groups.forEach((g) => { share[g.key + ' (' + g.tier + ')'] = g.requests; });
    chart('chart-routing').setOption({
      color: COLORS, tooltip: Object.assign({ trigger: 'item', formatter: (p) => esc(p.name) + ': ' + p.value + ' requests (' + p.percent + '%)' }, tooltip),
      legend: { type: 'scroll', orient: 'vertical', right: 4, top: 'middle', textStyle: { color: '#e6edf3' },
        formatter: (name) => name + '  ' + (share[name] / total * 100).toFixed(1) + '%' },
      series: [{ name: 'Served model', type: 'pie', radius: ['36%', '60%'], center: ['27%', '52%'], label: { show: false },
        data: b.groups.map((g) => ({ name: g.key + ' (' + g.tier + ')', value: g.requests })) }],
    }, true);
  }

  function drawBudgets(b) {
    const el = $('budgets');
    if (!b.configured) { el.innerHTML = '<div class="empty" id="budgets-empty">Budgets not configured: no key store with per-key budgets.</div>'; return; }
    if (!b.budgets.length) { el.innerHTML = '<div class="empty">No keys have budgets.</div>'; return; }
    el.innerHTML = '<table class="table fit budgets"><colgroup><col class="bkey"><col class="bused"><col class="bproj"></colgroup>'
      + '<thead><tr><th>Key</th><th>Spent of limit</th><th class="num">Projected</th></tr></thead><tbody>'
      + b.budgets.map((x) => {
        const used = x.used_ratio == null ? 0 : Number(x.used_ratio);
        const projOver = x.projected_usd != null && x.limit_usd != null && Number(x.projected_usd) > Number(x.limit_usd);
        const cls = used >= 1 ? 'over' : projOver ? 'warn' : '';
        return '<tr><td title="' + esc(x.key_id) + '">' + esc(x.key_name || x.key_id) + '<div class="sub">per ' + esc(x.period) + '</div></td>'
          + '<td><div class="bar ' + cls + '" title="' + pct(used) + '"><span style="width:' + Math.min(100, used * 100).toFixed(1) + '%"></span></div>'
          + '<div class="sub">' + usdShort(x.spent_usd) + ' of ' + (x.limit_usd == null ? 'no limit' : usdShort(x.limit_usd))
          + (x.limit_usd == null ? '' : ' · ' + pct(used)) + '</div></td>'
          + '<td class="num' + (projOver ? ' status-err' : '') + '" title="at the current rate, spend by the end of the period">'
          + (x.projected_usd == null ? '–' : usdShort(x.projected_usd)) + '</td></tr>';
      }).join('') + '</tbody></table>';
  }

  function drawTop(id, b, label) {
    const el = $(id);
    if (!b.groups.length) { el.innerHTML = '<div class="empty">no requests in this range yet</div>'; return; }
    const max = Math.max.apply(null, b.groups.map((g) => Number(g.cost_usd))) || 1;
    el.innerHTML = '<table class="table fit"><colgroup><col class="name"><col class="n"><col class="money"><col class="barc"><col class="money"></colgroup>'
      + '<thead><tr><th>' + label + '</th><th class="num">Reqs</th><th class="num">Spend</th><th></th><th class="num">Saved</th></tr></thead><tbody>'
      + b.groups.map((g) => '<tr><td title="' + esc(g.key) + '">' + esc(g.name || g.key) + '</td><td class="num">' + int(g.requests) + '</td><td class="num">' + usdShort(g.cost_usd)
        + '</td><td><div class="bar"><span style="width:' + (Number(g.cost_usd) / max * 100).toFixed(1) + '%"></span></div></td><td class="num">'
        + usdShort(g.saved_usd) + '</td></tr>').join('') + '</tbody></table>';
  }

  function drawRecent(r) {
    const body = $('recent').querySelector('tbody');
    if (!r.requests.length) { body.innerHTML = '<tr><td colspan="12" class="empty">no requests in this range yet</td></tr>'; return; }
    body.innerHTML = r.requests.map((x) => {
      const model = x.served_model && x.served_model !== x.requested_model ? esc(x.requested_model) + ' → ' + esc(x.served_model) : esc(x.requested_model);
      const applied = x.applied.map((a) => '<span class="chip">' + esc(a) + '</span>').join('');
      const cache = x.cache_status && x.cache_status.startsWith('hit') ? '<span class="chip cache">' + esc(x.cache_status) + '</span>' : esc(x.cache_status);
      return '<tr data-id="' + esc(x.id) + '"><td>' + time(x.time) + '</td><td>' + esc(x.key_id) + '</td><td>' + esc(x.feature) + '</td><td>' + model
        + '</td><td class="num">' + int(x.input_tokens) + '</td><td class="num">' + int(x.output_tokens) + '</td><td class="num">' + usd(x.cost_usd)
        + '</td><td class="num">' + usd(x.saved_usd) + '</td><td>' + applied + '</td><td>' + cache + '</td><td class="num">' + Number(x.latency_ms).toFixed(0)
        + ' ms</td><td class="num' + (x.status >= 400 ? ' status-err' : '') + '">' + x.status + '</td></tr>';
    }).join('');
  }

  function drawSummary(s) {
    const set = (id, text, raw) => { const e = $(id); e.textContent = text; e.dataset.raw = raw; };
    set('kpi-requests', int(s.requests), s.requests);
    set('kpi-spend', usd(s.cost_usd), s.cost_usd);
    set('kpi-baseline', usd(s.baseline_usd), s.baseline_usd);
    set('kpi-saved', usd(s.saved_usd), s.saved_usd);
    set('kpi-hit-rate', pct(s.cache_hit_rate), s.cache_hit_rate);
    set('kpi-tokens', int(s.input_tokens) + ' / ' + int(s.output_tokens), s.input_tokens + '/' + s.output_tokens);
    $('kpi-errors-note').textContent = s.errors ? int(s.errors) + ' failed' : 'no failures';
    $('kpi-saved-ratio').textContent = pct(s.saved_ratio) + ' of baseline';
    $('kpi-hits-note').textContent = int(s.cache_hits) + ' answered from cache';
    $('kpi-latency').textContent = int(s.cached_tokens) + ' input tokens cached';
    $('open-banner').hidden = s.access !== 'open-loopback';
    $('logout-form').hidden = s.access === 'open-loopback';
  }

  async function refresh() {
    if (state.inFlight) return;
    state.inFlight = true;
    try {
      const [s, ts, strat, cache, routing, features, keys, recent, budgets] = await Promise.all([
        api('summary'), api('timeseries'), api('breakdown', { by: 'strategy' }), api('breakdown', { by: 'cache_status' }),
        api('breakdown', { by: 'model' }), api('breakdown', { by: 'feature', limit: 10 }), api('breakdown', { by: 'key', limit: 10 }),
        api('requests', { limit: 50 }), api('budgets')]);
      drawSummary(s);
      drawSpend(ts);
      drawStrategy(strat);
      drawCache(cache, s.requests);
      drawRouting(routing);
      drawBudgets(budgets);
      drawTop('top-features', features, 'Feature');
      drawTop('top-keys', keys, 'Key');
      drawRecent(recent);
      state.lastSummary = s;
      $('error-banner').hidden = true;
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString('en-GB', { hour12: false });
      document.body.dataset.loaded = 'true';
    } catch (e) {
      $('error-banner').textContent = 'Could not load the dashboard data: ' + e.message;
      $('error-banner').hidden = false;
    } finally {
      state.inFlight = false;
    }
  }

  function schedule() {
    clearInterval(state.timer);
    if ($('auto').checked) state.timer = setInterval(() => { if (!document.hidden) refresh(); }, 5000);
  }

  $('range').addEventListener('change', refresh);
  $('tenant').addEventListener('change', refresh);
  $('auto').addEventListener('change', schedule);
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
  if (document.body.dataset.access === 'open') $('open-banner').hidden = false;
  refresh();
  schedule();
})();
