// The incident view: 24 h of one-minute history from the cluster, then live updates over SSE.
(() => {
  const params = new URLSearchParams(location.search);
  const view = params.get("node") || "cluster";
  const STATE_COLOURS = { OPEN: "rgba(198,40,40,0.18)", HALF_OPEN: "rgba(249,168,37,0.22)", CLOSED: "rgba(46,125,50,0.06)" };
  const TIER_COLOURS = ["#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#c62828"];
  const PIN_KEY = "airbag.normal";
  let data = null;
  const charts = [];
  let selection = null;
  let spanMinutes = Number(params.get("span") || 60);
  // Every chart shows the last spanMinutes of the 24 h it holds, up to the end of the minute under way.
  const lastSpan = (u, min, max) => [max + 60 - spanMinutes * 60, max + 60];
  let pinned = JSON.parse(localStorage.getItem(PIN_KEY) || "null");

  const pct = v => v == null ? "–" : (v * 100).toFixed(v < 0.1 ? 1 : 0) + "%";
  const num = (v, unit) => v == null ? "–" : v.toFixed(v < 10 ? 1 : 0) + unit;
  const last = (arr, from) => { for (let i = arr.length - 1; i >= 0; i--) if (arr[i] != null && (from == null || from[i])) return arr[i]; return null; };

  function merge(update) {
    if (!data) { data = update; return; }
    update.minutes.forEach((t, j) => {
      let i = data.minutes.indexOf(t);
      if (i < 0) {
        data.minutes.push(t);
        i = data.minutes.length - 1;
        for (const d of Object.values(data.deployments)) for (const k of ["calls", "error_rate", "judge", "p95_ms", "state"]) d[k].push(null);
        for (const g of Object.values(data.model_groups)) for (const t2 of Object.keys(g)) g[t2].push(0);
      }
      for (const [id, d] of Object.entries(update.deployments)) {
        if (!data.deployments[id]) continue;
        for (const k of ["calls", "error_rate", "judge", "p95_ms", "state"]) data.deployments[id][k][i] = d[k][j];
      }
      for (const [group, tiers] of Object.entries(update.model_groups)) {
        const g = data.model_groups[group] || (data.model_groups[group] = {});
        for (const [tier, counts] of Object.entries(tiers)) {
          if (!g[tier]) g[tier] = data.minutes.map(() => 0);
          g[tier][i] = counts[j];
        }
      }
    });
    // Keep 24 hours.
    while (data.minutes.length > 24 * 60 + 1) {
      data.minutes.shift();
      for (const d of Object.values(data.deployments)) for (const k of ["calls", "error_rate", "judge", "p95_ms", "state"]) d[k].shift();
      for (const g of Object.values(data.model_groups)) for (const t of Object.keys(g)) g[t].shift();
    }
    data.now = update.now;
    const seen = new Set((data.events || []).map(e => e.at + e.type + (e.deployment || "") + (e.node || "")));
    (update.events || []).forEach(e => { if (!seen.has(e.at + e.type + (e.deployment || "") + (e.node || ""))) data.events.push(e); });
  }

  function renderNow() {
    const rows = Object.entries(data.deployments).map(([id, d]) => {
      const state = data.now[id] ? data.now[id].state : (last(d.state) || "CLOSED");
      const called = d.calls.map(c => c > 0);
      return `<tr data-deployment="${id}"><td>${id}</td><td>${d.provider}</td><td>${d.model_group}</td>`
        + `<td class="state" data-state="${state}" title="${data.now[id] ? data.now[id].describe : ""}">${state}</td>`
        + `<td>${pct(last(d.error_rate, called))}</td><td>${num(last(d.judge), "")}</td><td>${num(last(d.p95_ms, called), " ms")}</td></tr>`;
    });
    document.querySelector("#now tbody").innerHTML = rows.join("");
    const n = data.minutes.length;
    const mix = Object.entries(data.model_groups).map(([group, tiers]) => {
      const totals = Object.entries(tiers).map(([tier, counts]) => [tier, counts.slice(Math.max(0, n - 5)).reduce((a, b) => a + b, 0)]);
      const all = totals.reduce((a, [, c]) => a + c, 0);
      totals.sort((a, b) => b[1] - a[1]);
      const text = all === 0 ? "no requests" : totals.filter(([, c]) => c > 0).map(([t, c]) => `${t} ${Math.round(100 * c / all)}%`).join(", ");
      return `<tr data-group="${group}" data-top-tier="${all ? totals[0][0] : ""}"><td>${group}</td><td>${text}</td></tr>`;
    });
    document.querySelector("#mix tbody").innerHTML = mix.join("") || `<tr><td colspan="2">no requests yet</td></tr>`;
  }

  // Draws the breaker's state as a band behind the series, the pinned "normal" window, and the timeline's marks.
  function backdrop(states, marks) {
    return {
      hooks: {
        drawClear: [u => {
          const ctx = u.ctx, xs = u.data[0], top = u.bbox.top, h = u.bbox.height;
          const w = xs.length > 1 ? u.valToPos(xs[1], "x", true) - u.valToPos(xs[0], "x", true) : 4;
          ctx.save();
          ctx.beginPath(); ctx.rect(u.bbox.left, top, u.bbox.width, h); ctx.clip();
          if (states) states().forEach((s, i) => {
            if (!s) return;
            ctx.fillStyle = STATE_COLOURS[s];
            ctx.fillRect(u.valToPos(xs[i], "x", true), top, Math.max(1, w), h);
          });
          if (pinned) {
            const a = u.valToPos(pinned.from, "x", true), b = u.valToPos(pinned.to, "x", true);
            ctx.fillStyle = "rgba(21,101,192,0.08)";
            ctx.fillRect(a, top, Math.max(2, b - a), h);
          }
          ctx.restore();
        }],
        draw: [u => {
          const ctx = u.ctx;
          ctx.save();
          ctx.font = `${10 * devicePixelRatio}px system-ui`;
          marks().forEach(m => {
            const x = u.valToPos(m.at / 1000, "x", true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            ctx.strokeStyle = m.colour; ctx.fillStyle = m.colour;
            ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
            ctx.fillText(m.label, x + 3, u.bbox.top + 12 * devicePixelRatio);
          });
          if (pinned) {
            // The pinned window's mean of each series, dashed across the chart: "normal", to compare against.
            u.series.forEach((s, si) => {
              if (si === 0 || !s.show) return;
              const vals = u.data[si].filter((v, i) => v != null && u.data[0][i] >= pinned.from && u.data[0][i] <= pinned.to);
              if (!vals.length) return;
              const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
              const y = u.valToPos(mean, s.scale, true);
              ctx.setLineDash([6, 4]); ctx.strokeStyle = s._stroke || s.stroke(); ctx.globalAlpha = 0.6;
              ctx.beginPath(); ctx.moveTo(u.bbox.left, y); ctx.lineTo(u.bbox.left + u.bbox.width, y); ctx.stroke();
              ctx.setLineDash([]); ctx.globalAlpha = 1;
            });
          }
          ctx.restore();
        }],
        setSelect: [u => {
          if (u.select.width > 2) {
            selection = { from: u.posToVal(u.select.left, "x"), to: u.posToVal(u.select.left + u.select.width, "x") };
            document.getElementById("pin").disabled = false;
          }
        }],
      },
    };
  }

  function marksFor(deployment) {
    return () => (data.events || []).filter(e => e.deployment === deployment || !e.deployment && e.type.startsWith("member"))
      .map(e => e.type === "breaker"
        ? { at: e.at, colour: e.state === "OPEN" ? "#c62828" : e.state === "CLOSED" ? "#2e7d32" : "#f9a825",
            label: e.state + (e.reason ? " (" + e.reason + ")" : "") }
        : e.type.startsWith("drill")
          ? { at: e.at, colour: "#6a1b9a", label: e.type.replace("_", " ") + (e.status ? ": " + e.status : "") }
          : { at: e.at, colour: "#90a4ae", label: e.type.replace("_", " ") });
  }

  function build() {
    const root = document.getElementById("charts");
    root.innerHTML = "";
    charts.length = 0;
    const width = Math.min(1100, document.body.clientWidth - 60);
    const xs = () => data.minutes.map(t => t / 1000);
    for (const [id, d] of Object.entries(data.deployments)) {
      const box = document.createElement("div");
      box.className = "chart";
      box.innerHTML = `<h3>${id} <span class="legend-note">(${d.provider}, model group ${d.model_group}; band: breaker state)</span></h3>`;
      root.appendChild(box);
      const opts = {
        width, height: 220, plugins: [backdrop(() => data.deployments[id].state, marksFor(id))],
        cursor: { drag: { x: true, y: false, setScale: false } },
        scales: { x: { time: true, range: lastSpan }, pct: { range: [0, 100] }, ms: { range: (u, min, max) => [0, Math.max(10, max * 1.1)] } },
        series: [{}, { label: "error rate %", scale: "pct", stroke: "#c62828", width: 2, points: { show: true, size: 5 }, value: (u, v) => v == null ? "–" : v.toFixed(1) },
          { label: "judge score ×100", scale: "pct", stroke: "#2e7d32", width: 2, points: { show: true, size: 5 }, value: (u, v) => v == null ? "–" : v.toFixed(0) },
          { label: "p95 ms", scale: "ms", stroke: "#1565c0", width: 1, points: { show: true, size: 5 }, value: (u, v) => v == null ? "–" : v.toFixed(1) }],
        axes: [{}, { scale: "pct", label: "%" }, { scale: "ms", side: 1, label: "ms", grid: { show: false } }],
      };
      const series = () => [xs(), data.deployments[id].error_rate.map(v => v == null ? null : v * 100),
        data.deployments[id].judge.map(v => v == null ? null : v * 100), data.deployments[id].p95_ms];
      charts.push({ u: new uPlot(opts, series(), box), series });
    }
    for (const [group, tiers] of Object.entries(data.model_groups)) {
      const box = document.createElement("div");
      box.className = "chart";
      box.innerHTML = `<h3>${group}: tier mix <span class="legend-note">(% of requests answered by each tier)</span></h3>`;
      root.appendChild(box);
      const names = Object.keys(tiers).sort();
      const series = () => {
        const g = data.model_groups[group];
        const totals = data.minutes.map((_, i) => names.reduce((a, t) => a + ((g[t] || [])[i] || 0), 0));
        return [xs(), ...names.map(t => (g[t] || []).map((c, i) => totals[i] ? 100 * c / totals[i] : null))];
      };
      const opts = {
        width, height: 180, plugins: [backdrop(null, () => (data.events || []).filter(e => e.type.startsWith("drill")).map(e => ({
          at: e.at, colour: "#6a1b9a", label: e.type.replace("_", " ") })))],
        cursor: { drag: { x: true, y: false, setScale: false } },
        scales: { x: { time: true, range: lastSpan }, y: { range: [0, 100] } },
        series: [{}, ...names.map((t, i) => ({ label: t, stroke: TIER_COLOURS[i % TIER_COLOURS.length], width: 2, points: { show: true, size: 5 } }))],
      };
      charts.push({ u: new uPlot(opts, series(), box), series, names: names.join() });
    }
  }

  function redraw() {
    renderNow();
    const groupsNow = Object.entries(data.model_groups).map(([, t]) => Object.keys(t).sort().join()).join("|");
    if (charts.length === 0 || groupsNow !== redraw.groups) { redraw.groups = groupsNow; build(); return; }
    charts.forEach(c => c.u.setData(c.series()));
  }

  function status(text) { document.getElementById("status").textContent = text; }

  function views(nodes, thisNode) {
    const select = document.getElementById("view");
    nodes.forEach(n => {
      const o = document.createElement("option");
      o.value = n; o.textContent = "node " + n.slice(0, 8) + (n === thisNode ? " (this one)" : "");
      select.appendChild(o);
    });
    select.value = view;
    select.onchange = () => { location.search = select.value === "cluster" ? "" : "?node=" + encodeURIComponent(select.value); };
  }

  const span = document.getElementById("span");
  span.value = String(spanMinutes);
  span.onchange = () => { spanMinutes = Number(span.value); charts.forEach(c => c.u.setData(c.series())); };

  document.getElementById("pin").onclick = () => {
    if (!selection) return;
    pinned = selection;
    localStorage.setItem(PIN_KEY, JSON.stringify(pinned));
    document.getElementById("unpin").hidden = false;
    charts.forEach(c => c.u.redraw());
  };
  document.getElementById("unpin").hidden = !pinned;
  document.getElementById("unpin").onclick = () => {
    pinned = null;
    localStorage.removeItem(PIN_KEY);
    document.getElementById("unpin").hidden = true;
    charts.forEach(c => c.u.redraw());
  };

  const query = view === "cluster" ? "" : "?node=" + encodeURIComponent(view);
  fetch("/dashboard/history" + query).then(r => r.json()).then(history => {
    merge(history);
    views(history.nodes, history.this_node);
    redraw();
    const scope = "24 h to now, " + (view === "cluster" ? "every node" : "one node");
    if (params.get("live") === "0") { // a snapshot that stays put: for printing, sharing and screenshots
      status(scope + ", a snapshot of " + new Date().toLocaleTimeString());
      return;
    }
    status(scope + "; connecting live…");
    const live = new EventSource("/dashboard/live" + query);
    live.onmessage = m => {
      const update = JSON.parse(m.data);
      merge(update);
      redraw();
      status("live, updated " + new Date().toLocaleTimeString());
    };
    live.onerror = () => status("live updates lost; retrying…");
  }).catch(e => status("could not load the history: " + e));
})();
