// The live view's charts, drawn with uPlot: one app's latency (predicted with its 95 % interval as a
// light band, forecast, observed) against its SLO with its moves and alerts marked and the accelerators it ran on along the time axis, and
// one accelerator's utilisation. While open, each is fetched from the history API every few seconds
// and handed to the same uPlot (setData): the 1 s refresh of the fleet above never touches it.
// What a chart shows is also in the DOM (data-* on the chart, the lists below it): canvas is opaque
// to anything but an eye, and the browser check reads them.
window.PerchCharts = (() => {
  const SPANS_MIN = [5, 10, 30, 60];
  const HISTORY_EVERY_MS = 3000;
  const KIND_COLOURS = { move: '#0969da', impending: '#bf8700', violation: '#cf222e', resolved: '#1a7f37' };
  const colour = kind => KIND_COLOURS[kind] || '#6e7781';
  const el = id => document.getElementById(id);
  const esc = s => (s === null || s === undefined ? '—' : String(s))
      .replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
  const utc = atMs => new Date(atMs).toISOString().substring(11, 19);
  const drawable = typeof uPlot === 'function';
  const view = { app: null, accelerator: null, spanMin: 10 };
  // Per chart: its uPlot once drawn, and what its draw hook paints besides the series.
  const app = { plot: null, sloMs: null, sloLabel: '', runs: [], events: [], loading: false, key: '',
    band: { low: [], high: [], maxMs: 0 } };
  const acc = { plot: null, loading: false };

  // The accelerators an app ran on, in order: one entry per unbroken stretch of points on one.
  function runsOf(points) {
    const runs = [];
    for (const p of points) {
      const last = runs[runs.length - 1];
      const on = p.accelerator === undefined ? null : p.accelerator;
      if (last && last.accelerator === on) { last.toMs = p.atMs; last.points++; }
      else runs.push({ accelerator: on, fromMs: p.atMs, toMs: p.atMs, points: 1 });
    }
    return runs;
  }

  // A decision's ends, as its detail says them: "from → to [result]: reason"; for another app's
  // decision (kind "neighbour": it shared or joined this one's accelerator) the app and its action
  // first. Without them, the stretch the points show it in and the next one.
  function endsOf(event, runs) {
    const said = /^(?:(\S+) (\S+) )?(\S+) → (\S+) \[/.exec(event.detail || '');
    if (said) return { by: said[1] || null, action: said[2] || event.kind, from: said[3], to: said[4] };
    let k = -1;
    runs.forEach((r, i) => { if (r.fromMs < event.atMs) k = i; });
    return { by: null, from: k >= 0 ? runs[k].accelerator : null, to: k >= 0 && k + 1 < runs.length ? runs[k + 1].accelerator : null };
  }
  const DECIDED = new Set(['impending', 'violation', 'resolved']);
  const eventText = e => DECIDED.has(e.kind) ? e.kind
      : `${e.by ? e.by + ' ' : ''}${e.action || e.kind} ${e.from || '?'} → ${e.to || '?'}`;

  const line = (ctx, x0, y0, x1, y1) => { ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke(); };
  function label(ctx, textValue, x, y, fg, px, rightAligned) {
    const w = ctx.measureText(textValue).width + 6 * px;
    const x0 = rightAligned ? x - w : x;
    ctx.fillStyle = 'rgba(255,255,255,.85)';
    ctx.fillRect(x0, y - 7 * px, w, 14 * px);
    ctx.fillStyle = fg;
    ctx.fillText(textValue, x0 + 3 * px, y);
  }

  // The predicted statistic's 95 % interval (from the learned parameters' standard errors), painted
  // once the axes are and before the series, so that the lines stay on top of it; a point without
  // one breaks the band.
  function paintBand(u) {
    const ctx = u.ctx, { left, top, width, height } = u.bbox, xs = u.data[0], { low, high } = app.band;
    ctx.save();
    ctx.beginPath(); ctx.rect(left, top, width, height); ctx.clip();
    ctx.fillStyle = 'rgba(130,80,223,.16)';
    let i = 0;
    while (i < xs.length) {
      if (low[i] === null || high[i] === null) { i++; continue; }
      let j = i;
      while (j + 1 < xs.length && low[j + 1] !== null && high[j + 1] !== null) j++;
      const x = k => u.valToPos(xs[k], 'x', true);
      ctx.beginPath();
      if (i === j) {   // a lone point: a sliver, so that it shows at all
        ctx.rect(x(i) - 1.5 * uPlot.pxRatio, u.valToPos(high[i], 'y', true), 3 * uPlot.pxRatio,
            u.valToPos(low[i], 'y', true) - u.valToPos(high[i], 'y', true));
      } else {
        for (let k = i; k <= j; k++) ctx.lineTo(x(k), u.valToPos(high[k], 'y', true));
        for (let k = j; k >= i; k--) ctx.lineTo(x(k), u.valToPos(low[k], 'y', true));
        ctx.closePath();
      }
      ctx.fill();
      i = j + 1;
    }
    ctx.restore();
  }

  // Paints what series cannot: the SLO across the whole span, the runs along the bottom, one
  // vertical line per event with its label (three rows, so that an alert and the move it caused
  // a second later stay readable).
  const appMarks = { hooks: { drawAxes: [paintBand], draw: [u => {
    const ctx = u.ctx, px = uPlot.pxRatio, { left, top, width, height } = u.bbox;
    const x = atMs => u.valToPos(atMs / 1000, 'x', true);
    ctx.save();
    ctx.beginPath(); ctx.rect(left, top, width, height); ctx.clip();
    ctx.font = `${11 * px}px system-ui, sans-serif`; ctx.textBaseline = 'middle'; ctx.textAlign = 'left';
    if (app.sloMs !== null) {   // null: an app the cluster no longer has
      const y = u.valToPos(app.sloMs, 'y', true);
      ctx.strokeStyle = '#cf222e'; ctx.lineWidth = 1.5 * px; ctx.setLineDash([8 * px, 4 * px]);
      line(ctx, left, y, left + width, y);
      ctx.setLineDash([]);
      label(ctx, app.sloLabel, left + 2 * px, y - 9 * px, '#cf222e', px, false);
    }
    const band = 16 * px, bottom = top + height;
    app.runs.forEach((r, i) => {
      const x0 = Math.max(left, x(r.fromMs));
      const x1 = Math.min(left + width, i + 1 < app.runs.length ? x(app.runs[i + 1].fromMs) : x(r.toMs) + 2 * px);
      ctx.fillStyle = i % 2 ? 'rgba(130,80,223,.13)' : 'rgba(9,105,218,.13)';
      ctx.fillRect(x0, bottom - band, x1 - x0, band);
      const name = r.accelerator === null ? 'nowhere' : 'on ' + r.accelerator;
      ctx.fillStyle = '#424a53';
      if (ctx.measureText(name).width + 8 * px < x1 - x0) ctx.fillText(name, x0 + 4 * px, bottom - band / 2);
    });
    const drawn = [];
    app.events.forEach((e, i) => {
      const at = x(e.atMs);
      if (at < left - 1 || at > left + width + 1) return;
      drawn.push(e.kind);
      ctx.strokeStyle = colour(e.action || e.kind);
      const own = e.kind === 'move';   // this app's own move: solid; another's ("neighbour"), dashed
      ctx.lineWidth = (own ? 2 : 1.5) * px;
      ctx.setLineDash(own ? [] : [4 * px, 3 * px]);
      line(ctx, at, top, at, bottom - band);
      ctx.setLineDash([]);
      label(ctx, eventText(e), at + (at > left + width * 0.7 ? -3 : 3) * px, top + (9 + 15 * (i % 3)) * px,
          colour(e.action || e.kind), px, at > left + width * 0.7);
    });
    ctx.restore();
    el('app-chart').dataset.drawnEvents = drawn.join(' ');
  }] } };

  // The unstable points a second series, so that they show red on the utilisation line; 100 % is
  // where an accelerator's queue stops draining.
  const accMarks = { hooks: { draw: [u => {
    const ctx = u.ctx, px = uPlot.pxRatio, { left, top, width } = u.bbox;
    const y = u.valToPos(100, 'y', true);
    if (y < top) return;
    ctx.save();
    ctx.font = `${11 * px}px system-ui, sans-serif`; ctx.textBaseline = 'middle'; ctx.textAlign = 'left';
    ctx.strokeStyle = '#cf222e'; ctx.lineWidth = 1.5 * px; ctx.setLineDash([8 * px, 4 * px]);
    line(ctx, left, y, left + width, y);
    ctx.setLineDash([]);
    label(ctx, 'saturated (100 %)', left + width - 2 * px, y + 9 * px, '#cf222e', px, true);
    ctx.restore();
  }] } };

  // Without a cursor on the chart, its legend shows the newest point rather than dashes.
  const latest = u => { if (u.data[0].length) u.setLegend({ idx: u.data[0].length - 1 }); };

  function options(target, series, plugin, yRange, yUnit, xRange) {
    return {
      width: Math.max(300, target.clientWidth), height: 260,
      tzDate: ts => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true, range: xRange }, y: { range: yRange } },
      // Ticks on whole seconds (uPlot would split one second into many ticks of one label).
      axes: [{ incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600],
        values: (u, ticks) => ticks.map(t => utc(t * 1000).substring(0, ticks.length > 1 && (ticks[1] - ticks[0]) % 60 ? 8 : 5)) },
        { values: (u, ticks) => ticks.map(v => v + yUnit), size: 60 }],
      hooks: { setData: [latest], setCursor: [u => { if (u.cursor.idx === null || u.cursor.idx === undefined) latest(u); }] },
      series: [{ label: 'UTC', value: (u, v) => v === null || v === undefined ? '—' : utc(v * 1000) }, ...series],
      plugins: [plugin],
    };
  }

  function draw(chart, id, makeOptions, data) {
    if (!drawable) { el(id).textContent = 'charts unavailable: uPlot did not load'; return; }
    if (chart.plot) chart.plot.setData(data);
    else {
      const target = el(id);
      chart.plot = new uPlot(makeOptions(target), data, target);
      new ResizeObserver(() => chart.plot.setSize({ width: Math.max(300, target.clientWidth), height: 260 })).observe(target);
    }
  }

  // The points' span, from the first event when it came before them (an app placed before it was
  // predicted), and a minute at least, so that an app only just placed is not drawn over a second.
  const xRange = firstEventSec => (u, min, max) => {
    if (min === null || max === null) return [min, max];
    const first = firstEventSec();
    const from = first === null ? min : Math.min(min, first);
    return [Math.min(from, max - 60), max];
  };
  const msValue = (u, v) => v === null || v === undefined ? '—' : v.toFixed(1) + ' ms';
  // The predicted value, and its interval where there is one.
  const predictedValue = (u, v, sidx, idx) => msValue(u, v) + (v === null || v === undefined || idx === null || idx === undefined
      || app.band.low[idx] === null || app.band.high[idx] === null ? ''
      : ` [${app.band.low[idx].toFixed(1)}–${app.band.high[idx].toFixed(1)}]`);
  const appOptions = target => options(target, [
    { label: 'predicted [95 %]', stroke: '#8250df', width: 2, value: predictedValue },
    { label: 'forecast', stroke: '#bf8700', width: 1.5, dash: [6, 4], value: msValue },
    { label: 'observed', stroke: '#1f2328', width: 1.5, value: msValue },
  ], appMarks, (u, min, max) => [0, Math.max(max || 0, app.band.maxMs, app.sloMs || 0) * 1.4], ' ms',
  xRange(() => app.events.length ? app.events[0].atMs / 1000 : null));
  const accOptions = target => options(target, [
    { label: 'utilisation', stroke: '#1a7f37', width: 2, value: (u, v) => v === null ? '—' : v.toFixed(0) + ' %' },
    { label: 'unstable', stroke: '#cf222e', width: 0, paths: () => null, points: { show: true, size: 6, fill: '#cf222e' },
      value: (u, v) => v === null ? '—' : 'unstable' },
  ], accMarks, (u, min, max) => [0, Math.max(max || 0, 100) * 1.1], ' %', xRange(() => null));

  function showApp(h) {
    const points = h.points;
    app.sloMs = h.sloMs;
    app.sloLabel = `SLO: ${h.sloStatistic} ≤ ${h.sloMs} ms`;
    app.runs = runsOf(points);
    app.events = h.events.map(e => Object.assign({}, e, DECIDED.has(e.kind) ? {} : endsOf(e, app.runs)));
    const bounded = v => v === null || v === undefined ? null : v;
    app.band.low = points.map(p => bounded(p.predictedLow95Ms));
    app.band.high = points.map(p => bounded(p.predictedHigh95Ms));
    app.band.maxMs = Math.max(0, ...app.band.high.filter(v => v !== null));
    const chart = el('app-chart');
    Object.assign(chart.dataset, { app: h.app, sloMs: h.sloMs, sloStatistic: h.sloStatistic, points: points.length,
      intervalPoints: app.band.low.filter((low, i) => low !== null && app.band.high[i] !== null).length,
      events: app.events.length, spanMin: view.spanMin });
    const now = points.length ? points[points.length - 1].accelerator : null;
    el('app-note').textContent = `${h.sloStatistic} ≤ ${h.sloMs} ms over ${h.sloWindowSec === undefined ? '?' : h.sloWindowSec} s`
        + ` · last ${view.spanMin} min, ${points.length} points` + (points.length ? ` · now ${now === null ? 'runs nowhere' : 'on ' + now}` : ' · no history yet');
    draw(app, 'app-chart', appOptions, [points.map(p => p.atMs / 1000), points.map(p => p.predictedMs ?? null),
      points.map(p => p.forecastMs ?? null), points.map(p => p.observedMs ?? null)]);
    // The lists only when they change: rebuilt every few seconds they would lose a selection.
    const key = JSON.stringify([app.runs, app.events]);
    if (key === app.key) return;
    app.key = key;
    el('app-runs').innerHTML = app.runs.map(r => `<li data-accelerator="${esc(r.accelerator)}" data-from-ms="${r.fromMs}" `
        + `data-to-ms="${r.toMs}" data-points="${r.points}">${r.accelerator === null ? 'ran nowhere' : `ran on <b>${esc(r.accelerator)}</b>`}`
        + ` ${utc(r.fromMs)}–${utc(r.toMs)} (${r.points} points)</li>`).join('');
    el('app-events').innerHTML = app.events.length ? app.events.map(e => `<li data-kind="${esc(e.kind)}" data-at-ms="${e.atMs}"`
        + (DECIDED.has(e.kind) ? '' : ` data-from="${esc(e.from)}" data-to="${esc(e.to)}"${e.by ? ` data-by="${esc(e.by)}"` : ''}`)
        + `>${utc(e.atMs)} <span class="kind">${esc(e.kind)}</span> ${esc(e.detail)}</li>`).join('') : '<li data-kind="none">no alert or decision in this span</li>';
  }

  function showAccelerator(h) {
    const points = h.points;
    Object.assign(el('acc-chart').dataset, { accelerator: h.accelerator, points: points.length,
      unstablePoints: points.filter(p => p.stable === false).length, spanMin: view.spanMin });
    el('acc-note').textContent = `${h.type || ''} · last ${view.spanMin} min, ${points.length} points`;
    draw(acc, 'acc-chart', accOptions, [points.map(p => p.atMs / 1000),
      points.map(p => p.utilization === null ? null : 100 * p.utilization),
      points.map(p => p.stable === false && p.utilization !== null ? 100 * p.utilization : null)]);
  }

  // One fetch per chart at a time; an answer for an app or span no longer asked for is dropped,
  // and the one now asked for fetched at once.
  async function load(chart, wanted, show, note) {
    const url = wanted();
    if (!url || chart.loading) return;
    chart.loading = true;
    try {
      const r = await fetch(url);
      const body = await r.json().catch(() => ({}));
      if (url !== wanted()) return;
      if (!r.ok) { el(note).innerHTML = `<span class="error">no history: ${esc(body.error || 'HTTP ' + r.status)}</span>`; return; }
      show(body);
    } catch (e) {
      el(note).innerHTML = `<span class="error">cannot reach the history API (${esc(e)})</span>`;
    } finally {
      chart.loading = false;
      if (wanted() && wanted() !== url) load(chart, wanted, show, note);
    }
  }
  const appUrl = () => view.app && `api/v1/apps/${encodeURIComponent(view.app)}/history?minutes=${view.spanMin}`;
  // An accelerator's id is node/device: two path segments.
  const accUrl = () => view.accelerator && `api/v1/accelerators/${view.accelerator.split('/').map(encodeURIComponent).join('/')}`
      + `/history?minutes=${view.spanMin}`;
  const loadApp = () => load(app, appUrl, showApp, 'app-note');
  const loadAccelerator = () => load(acc, accUrl, showAccelerator, 'acc-note');

  function markPicked() {
    document.querySelectorAll('#apps tr[data-open-app]').forEach(tr => tr.classList.toggle('picked', tr.dataset.openApp === view.app));
    document.querySelectorAll('.acc[data-open-acc]').forEach(d => d.classList.toggle('picked', d.dataset.openAcc === view.accelerator));
  }

  function open(panel, title, name) {
    el(panel).hidden = false;
    el(title).textContent = name;
    markPicked();
    el(panel).scrollIntoView({ block: 'nearest' });
  }

  function renderSpans() {
    document.querySelectorAll('.span-pick').forEach(box => {
      box.innerHTML = SPANS_MIN.map(m => `<button data-span="${m}" aria-pressed="${m === view.spanMin}">${m} min</button>`).join('');
    });
  }

  document.addEventListener('click', e => {
    const span = e.target.closest('button[data-span]');
    if (span) {
      view.spanMin = Number(span.dataset.span);
      renderSpans();
      loadApp();
      loadAccelerator();
      return;
    }
    const close = e.target.closest('button[data-close]');
    if (close && close.dataset.close === 'app') { view.app = null; el('app-panel').hidden = true; markPicked(); }
    if (close && close.dataset.close === 'acc') { view.accelerator = null; el('acc-panel').hidden = true; markPicked(); }
  });
  renderSpans();
  setInterval(() => { loadApp(); loadAccelerator(); }, HISTORY_EVERY_MS);

  return {
    picked: () => ({ app: view.app, accelerator: view.accelerator }),
    openApp(name) {
      if (name !== view.app) {
        view.app = name;
        app.key = '';
        el('app-runs').innerHTML = el('app-events').innerHTML = '';
        el('app-note').textContent = 'loading…';
        loadApp();
      }
      open('app-panel', 'app-title', name);
    },
    openAccelerator(id) {
      if (id !== view.accelerator) {
        view.accelerator = id;
        el('acc-note').textContent = 'loading…';
        loadAccelerator();
      }
      open('acc-panel', 'acc-title', id);
    },
  };
})();
