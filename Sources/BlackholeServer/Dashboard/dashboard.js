// The page `blackhole telemetry serve` answers at `/`: each service's health with its probable root
// cause, the firing alerts (critical ones stay, others fade 30 s after they arrive, resolved ones
// go), CPU and memory over the last 15 minutes, and the recent traces with a span waterfall.
// Vanilla JavaScript and SVG, nothing fetched from elsewhere: index.html, dashboard.css and this
// file are embedded in the binary as they are.
//
// It loads api/health, api/alerts, api/metrics, api/traces and api/traces/ID (the --json bodies of
// the matching commands) once, then follows the telemetry/stream WebSocket; while that is down it
// polls every 5 s and reconnects every 10 s. A ?token= in the page's URL is sent as
// `Authorization: Bearer` on fetches and passed on to the WebSocket's URL.
//
// One file, though long: the page's state, the fetches and stream that change it and the renderers
// that read it are one small program; split, its parts would share globals or need modules.

"use strict";

// ---- Settings ---------------------------------------------------------------------------------

const METRICS = { cpu: "system.cpu.usage_percent", memory: "system.memory.usage_percent" };
const WINDOW_MS = 15 * 60 * 1000;   // the charts' span
const FADE_MS = 30 * 1000;          // non-critical alerts are shown this long after they arrive
const POLL_MS = 5 * 1000;           // polling pace while the WebSocket is down
const RETRY_MS = 10 * 1000;         // WebSocket reconnection pace
const TRACE_LIMIT = 20;
const TOKEN = new URLSearchParams(location.search).get("token");

// ---- State: the last answer of each source, changed by fetches and stream events ---------------

const state = {
  health: null,                              // the health report, null until the first answer
  alerts: new Map(),                         // id → { alert, arrivedAt, episode }
  faded: new Map(),                          // id → episode (fired_at) of a non-critical alert already shown for 30 s
  streamed: new Map(),                       // id → when the stream last brought the alert (ms), until a later list
  metrics: { cpu: null, memory: null },      // key → { labels, points: [{ t, v }] }, null until the first answer
  traces: null,                              // trace summaries, newest first, null until the first answer
  selectedTrace: null,
};
const fadeTimers = new Map();                // alert id → timeout removing it

// ---- DOM helpers: text always goes in as text nodes or attributes, never as markup ------------

const $ = (selector) => document.querySelector(selector);

function el(tag, attributes = {}, ...children) {
  return build(document.createElement(tag), attributes, children);
}

function svg(tag, attributes = {}, ...children) {
  return build(document.createElementNS("http://www.w3.org/2000/svg", tag), attributes, children);
}

function build(node, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// ---- Formatting --------------------------------------------------------------------------------

function formatMs(ms) {
  if (ms === null || ms === undefined) return "–";
  if (ms === 0) return "0";
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60000);
  return `${minutes}m ${Math.round((ms % 60000) / 1000)}s`;
}

function formatPercent(value) {
  return value === null || value === undefined ? "–" : `${value.toFixed(1)}%`;
}

function formatAgo(iso) {
  if (!iso) return "never";
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}

function formatClock(iso) {
  const date = new Date(iso);
  const sameDay = date.toDateString() === new Date().toDateString();
  const time = date.toLocaleTimeString([], { hour12: false });
  return sameDay ? time : `${date.toLocaleDateString()} ${time}`;
}

/** A `<time>` showing "12s ago", kept current by the ticker, with the exact time on hover. */
function ago(iso) {
  return iso
    ? el("time", { datetime: iso, "data-ago": iso, title: new Date(iso).toLocaleString() }, formatAgo(iso))
    : el("span", {}, "never");
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

// ---- Fetching ----------------------------------------------------------------------------------

async function getJSON(path) {
  const headers = TOKEN ? { Authorization: `Bearer ${TOKEN}` } : {};
  const response = await fetch(path, { headers, cache: "no-store" });
  if (!response.ok) {
    const error = new Error(`${response.status} ${response.statusText}`.trim());
    error.status = response.status;
    throw error;
  }
  return response.json();
}

const sources = {
  services: async () => { state.health = await getJSON("api/health"); renderHealth(); },
  alerts: async () => { const asked = Date.now(); setAlerts((await getJSON("api/alerts")).alerts, asked); },
  cpu: async () => { setMetric("cpu", await getJSON(`api/metrics?name=${METRICS.cpu}&since=15m`)); },
  memory: async () => { setMetric("memory", await getJSON(`api/metrics?name=${METRICS.memory}&since=15m`)); },
  traces: async () => { state.traces = (await getJSON(`api/traces?limit=${TRACE_LIMIT}`)).traces; renderTraces(); },
};

async function refreshAll() {
  let unauthorized = false;
  await Promise.all(Object.entries(sources).map(async ([name, load]) => {
    try {
      await load();
      $(`#${name}-error`).textContent = "";
    } catch (error) {
      unauthorized ||= error.status === 401;
      $(`#${name}-error`).textContent = `Could not load: ${error.message}`;
      const placeholder = $(`#${name}-panel .loading`);
      placeholder?.replaceWith(el(placeholder.localName, { class: "empty" }, "Unavailable."));
    }
  }));
  const banner = $("#banner");
  banner.hidden = !unauthorized;
  banner.textContent = !unauthorized ? "" : TOKEN
    ? "The server refused the token in this page's address (?token=…)."
    : "This server requires a token: open the dashboard as /?token=YOUR_TOKEN.";
}

// ---- Live stream, with polling while it is down ------------------------------------------------

let socket = null;
let pollTimer = null;
let retryTimer = null;

function connect() {
  retryTimer = null;
  const url = new URL("telemetry/stream", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  url.search = TOKEN ? `?${new URLSearchParams({ token: TOKEN })}` : "";
  url.hash = "";
  let ws;
  try {
    ws = new WebSocket(url);
  } catch (error) {
    disconnected(`cannot open ${url.pathname}: ${error.message}`);
    return;
  }
  socket = ws;
  ws.onopen = () => {
    setConnection("live", "WebSocket open: updates arrive as they happen");
    clearInterval(pollTimer);
    pollTimer = null;
    refreshAll();   // whatever changed while it was down
  };
  ws.onmessage = (message) => handleEvent(message.data);
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    disconnected("WebSocket closed");
  };
}

function disconnected(reason) {
  setConnection("polling", `${reason}: polling every ${POLL_MS / 1000} s, reconnecting every ${RETRY_MS / 1000} s`);
  if (!pollTimer) pollTimer = setInterval(refreshAll, POLL_MS);
  if (!retryTimer) retryTimer = setTimeout(connect, RETRY_MS);
}

function setConnection(mode, detail) {
  const indicator = $("#connection");
  indicator.textContent = mode;
  indicator.dataset.state = mode;
  indicator.title = detail;
}

function handleEvent(text) {
  let event;
  try {
    event = JSON.parse(text);
  } catch {
    return;
  }
  const data = event.data;
  switch (event.type) {
    case "health_update":
      state.health = data;
      renderHealth();
      break;
    case "alert":
      state.streamed.set(data.id, Date.now());
      upsertAlert(data, true);
      renderAlerts();
      break;
    case "metric_update":
      appendMetric(data);
      break;
    case "trace_completed":
      addTrace(data);
      break;
  }
}

// ---- Services ----------------------------------------------------------------------------------

function renderHealth() {
  const container = $("#services");
  const services = state.health?.services ?? [];
  if (services.length === 0) {
    container.replaceChildren(el("p", { class: "empty" },
      "No services configured. Add them under ", el("code", {}, "health.services"), " in the config file."));
  } else {
    container.replaceChildren(...services.map(serviceCard));
  }
  const counts = {};
  for (const service of services) counts[service.status] = (counts[service.status] ?? 0) + 1;
  $("#services-summary").textContent = ["unhealthy", "degraded", "healthy", "unknown"]
    .filter((status) => counts[status]).map((status) => `${counts[status]} ${status}`).join(" · ");
  renderOverview();
}

function serviceCard(service) {
  const dependencies = Object.entries(service.dependencies ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const message = service.message || (service.status === "healthy" ? "" : "no detail");
  return el("article", { class: "service", "data-service": service.name, "data-status": service.status },
    el("div", { class: "service-head" },
      el("span", { class: "name", title: service.name }, service.name),
      el("span", { class: `criticality ${service.criticality}` }, service.criticality),
      el("span", { class: "pill status" }, service.status)),
    el("dl", { class: "facts" },
      el("div", {}, el("dt", {}, "response"), el("dd", {}, formatMs(service.response_time_ms))),
      el("div", {}, el("dt", {}, "errors"),
        el("dd", { class: service.error_count > 0 ? "errors" : null }, service.error_count)),
      el("div", {}, el("dt", {}, "last seen"), el("dd", {}, ago(service.last_seen)))),
    message && el("p", { class: "message" }, message),
    service.probable_root_cause && el("p", { class: "cause" },
      "probable root cause: ", el("b", {}, service.probable_root_cause),
      service.impacted_by?.length ? ` (via ${service.impacted_by.join(", ")})` : ""),
    dependencies.length > 0 && el("div", { class: "deps" }, "depends on",
      dependencies.map(([name, status]) => el("span", { class: "dep", "data-dependency-status": status, title: status }, name))),
    el("div", { class: "endpoint", title: service.endpoint }, service.endpoint));
}

// ---- Alerts ------------------------------------------------------------------------------------

/**
 * The full set of active alerts, from `api/alerts` asked for at `asked`: those missing have
 * resolved. An alert the stream brought after the list was asked for stays as the stream said:
 * the list was read before it fired or resolved (the list asked for when the stream opens can
 * come back after the stream's first alert).
 */
function setAlerts(alerts, asked) {
  const newer = (id) => (state.streamed.get(id) ?? -Infinity) >= asked;
  const active = new Set(alerts.map((alert) => alert.id));
  for (const id of [...state.alerts.keys()]) if (!active.has(id) && !newer(id)) forgetAlert(id);
  for (const id of [...state.faded.keys()]) if (!active.has(id) && !newer(id)) state.faded.delete(id);
  for (const alert of alerts) if (!newer(alert.id)) upsertAlert(alert, false);
  for (const [id, at] of [...state.streamed]) if (at < asked) state.streamed.delete(id);
  renderAlerts();
}

/**
 * One alert, from a list (`arrived` false) or the stream (`arrived` true: it just fired again or
 * changed, so it is shown afresh). Resolved alerts are removed; non-critical ones are shown for
 * 30 s after they arrive, critical ones until they resolve.
 */
function upsertAlert(alert, arrived) {
  if (alert.state !== "firing" && alert.state !== "pending") {
    forgetAlert(alert.id);
    state.faded.delete(alert.id);
    return;
  }
  const episode = alert.fired_at ?? alert.active_since;
  if (!arrived && state.faded.get(alert.id) === episode) return;   // shown for its 30 s already
  state.faded.delete(alert.id);
  const known = state.alerts.get(alert.id);
  const arrivedAt = !arrived && known && known.episode === episode ? known.arrivedAt : Date.now();
  state.alerts.set(alert.id, { alert, arrivedAt, episode });
  if (alert.severity !== "critical" && (!known || known.arrivedAt !== arrivedAt)) scheduleFade(alert.id, arrivedAt);
}

function scheduleFade(id, arrivedAt) {
  clearTimeout(fadeTimers.get(id));
  fadeTimers.set(id, setTimeout(() => {
    fadeTimers.delete(id);
    const entry = state.alerts.get(id);
    if (!entry || entry.arrivedAt !== arrivedAt) return;
    state.alerts.delete(id);
    state.faded.set(id, entry.episode);
    const alertElement = document.querySelector(`.alert[data-alert="${CSS.escape(id)}"]`);
    if (alertElement) alertElement.remove();
    renderAlertsSummary();
  }, Math.max(0, arrivedAt + FADE_MS - Date.now())));
}

function forgetAlert(id) {
  clearTimeout(fadeTimers.get(id));
  fadeTimers.delete(id);
  state.alerts.delete(id);
}

function renderAlerts() {
  const entries = [...state.alerts.values()].sort((a, b) =>
    Date.parse(b.episode) - Date.parse(a.episode) || a.alert.id.localeCompare(b.alert.id));
  const list = $("#alerts");
  if (entries.length === 0) {
    list.replaceChildren(el("li", { class: "empty" }, "No alerts firing."));
  } else {
    list.replaceChildren(...entries.map(alertRow));
  }
  renderAlertsSummary();
}

function alertRow({ alert, arrivedAt }) {
  const labels = Object.entries(alert.labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const row = el("li", {
    class: "alert", "data-alert": alert.id, "data-severity": alert.severity, "data-state": alert.state,
  },
    el("div", { class: "alert-head" },
      el("span", { class: "severity" }, alert.severity),
      el("span", { class: "rule" }, alert.rule_id),
      alert.state !== "firing" && el("span", { class: "state" }, alert.state),
      alert.acknowledged_at && el("span", { class: "state" }, "acked"),
      el("span", { class: "when" }, ago(alert.fired_at ?? alert.active_since))),
    el("p", { class: "message" }, alert.message),
    el("div", { class: "meta" },
      labels.map(([key, value]) => el("span", { class: "label" }, `${key}=${value}`)),
      // No "seen N×" (alert.count): the stream pushes transitions only, so a count shown while
      // live would be stale (the firing event's is 0).
      el("span", {}, `value ${Number(alert.value).toLocaleString(undefined, { maximumFractionDigits: 2 })}`)));
  if (alert.severity !== "critical") {
    // Fade over the last 1.5 s before removal; the delay counts from arrival, so redraws agree.
    row.classList.add("fading");
    row.style.animationDelay = `${arrivedAt + FADE_MS - 1500 - Date.now()}ms`;
  }
  return row;
}

function renderAlertsSummary() {
  const alerts = [...state.alerts.values()].map((entry) => entry.alert);
  const firing = alerts.filter((alert) => alert.state === "firing");
  const critical = firing.filter((alert) => alert.severity === "critical").length;
  $("#alerts-summary").textContent = alerts.length === 0 ? "" :
    `${firing.length} firing${critical ? ` · ${critical} critical` : ""}${alerts.length > firing.length ? ` · ${alerts.length - firing.length} pending` : ""}`;
  if (state.alerts.size === 0 && !$("#alerts .empty")) {
    $("#alerts").replaceChildren(el("li", { class: "empty" }, "No alerts firing."));
  }
  const faded = state.faded.size;
  $("#alerts-note").textContent = faded === 0 ? "" :
    `${plural(faded, "non-critical alert")} still active, hidden after 30 s: 'blackhole telemetry alerts' lists all.`;
  renderOverview();
}

// ---- Metrics -----------------------------------------------------------------------------------

/** A `telemetry metrics NAME --json` answer: the unlabelled series, or the first. */
function setMetric(key, report) {
  const series = report.series.find((entry) => Object.keys(entry.labels ?? {}).length === 0) ?? report.series[0];
  state.metrics[key] = series
    ? { labels: series.labels ?? {}, points: series.points.map((point) => ({ t: Date.parse(point.time), v: Number(point.value) }))
        .filter((point) => Number.isFinite(point.v)) }
    : { labels: null, points: [] };
  renderChart(key);
}

function appendMetric(sample) {
  const key = Object.keys(METRICS).find((name) => METRICS[name] === sample.name);
  if (!key) return;
  const current = state.metrics[key] ?? { labels: null, points: [] };
  const labels = sample.labels ?? {};
  if (current.labels === null) current.labels = labels;
  if (!sameLabels(current.labels, labels)) return;
  const t = Date.parse(sample.time);
  const v = Number(sample.value);
  if (!Number.isFinite(v) || Number.isNaN(t)) return;
  current.points = current.points.filter((point) => point.t !== t && point.t >= t - WINDOW_MS);
  current.points.push({ t, v });
  current.points.sort((a, b) => a.t - b.t);
  state.metrics[key] = current;
  renderChart(key);
}

function sameLabels(a, b) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** Chart margins, in pixels; the size is the element's own, so text stays crisp at any width. */
const CHART = { left: 40, right: 12, top: 10, bottom: 24 };

function chartScales(chart, points) {
  const width = chart.clientWidth || 640;
  const height = chart.clientHeight || 190;
  const end = Math.max(Date.now(), points.length ? points[points.length - 1].t : 0);
  const start = end - WINDOW_MS;
  const plotWidth = width - CHART.left - CHART.right;
  const plotHeight = height - CHART.top - CHART.bottom;
  return {
    width, height, start, end,
    x: (t) => CHART.left + ((t - start) / WINDOW_MS) * plotWidth,
    y: (v) => CHART.top + (1 - Math.min(100, Math.max(0, v)) / 100) * plotHeight,
  };
}

function renderChart(key) {
  const chart = $(`#${key}-chart`);
  const all = state.metrics[key]?.points ?? [];
  const scale = chartScales(chart, all);
  chart.setAttribute("viewBox", `0 0 ${scale.width} ${scale.height}`);
  const points = all.filter((point) => point.t >= scale.start);
  const parts = [];
  for (const v of [0, 25, 50, 75, 100]) {
    parts.push(svg("line", { class: "grid", x1: CHART.left, x2: scale.width - CHART.right, y1: scale.y(v), y2: scale.y(v) }));
    parts.push(svg("text", { x: CHART.left - 6, y: scale.y(v) + 4, "text-anchor": "end" }, `${v}%`));
  }
  for (const minutesAgo of [15, 10, 5, 0]) {
    const x = scale.x(scale.end - minutesAgo * 60000);
    const anchor = minutesAgo === 15 ? "start" : minutesAgo === 0 ? "end" : "middle";
    parts.push(svg("text", { x, y: scale.height - 6, "text-anchor": anchor }, minutesAgo === 0 ? "now" : `-${minutesAgo}m`));
  }
  if (points.length === 0) {
    parts.push(svg("text", { class: "no-data", x: (CHART.left + scale.width - CHART.right) / 2,
      y: scale.height / 2, "text-anchor": "middle" }, "No samples in the last 15 minutes"));
  }
  for (const segment of segments(points)) {
    const line = segment.map((point, index) => `${index ? "L" : "M"}${scale.x(point.t).toFixed(1)},${scale.y(point.v).toFixed(1)}`).join("");
    const base = scale.y(0).toFixed(1);
    const first = scale.x(segment[0].t).toFixed(1);
    const last = scale.x(segment[segment.length - 1].t).toFixed(1);
    parts.push(svg("path", { class: "area", d: `${line}L${last},${base}L${first},${base}Z` }));
    parts.push(svg("path", { class: "line", d: line }));
  }
  if (points.length > 0) {
    const latest = points[points.length - 1];
    parts.push(svg("circle", { class: "dot", cx: scale.x(latest.t), cy: scale.y(latest.v), r: 3.5 }));
  }
  parts.push(svg("g", { class: "hover", visibility: "hidden" }));
  chart.replaceChildren(...parts);

  const values = points.map((point) => point.v);
  $(`#${key}-current`).textContent = values.length ? formatPercent(values[values.length - 1]) : "–";
  $(`#${key}-stats`).textContent = values.length
    ? `min ${formatPercent(Math.min(...values))}  avg ${formatPercent(values.reduce((a, b) => a + b, 0) / values.length)}  max ${formatPercent(Math.max(...values))}`
    : "";
}

/** Splits the points where samples stopped for a while, so a gap is not drawn as a slope. */
function segments(points) {
  const gaps = points.slice(1).map((point, index) => point.t - points[index].t).sort((a, b) => a - b);
  const typical = gaps.length ? gaps[Math.floor(gaps.length / 2)] : 0;
  const limit = Math.max(90 * 1000, typical * 3);
  const result = [];
  for (const point of points) {
    const current = result[result.length - 1];
    if (current && point.t - current[current.length - 1].t <= limit) current.push(point);
    else result.push([point]);
  }
  return result;
}

function attachHover(key) {
  const chart = $(`#${key}-chart`);
  chart.addEventListener("mousemove", (event) => {
    const points = state.metrics[key]?.points ?? [];
    const hover = chart.querySelector(".hover");
    if (!hover || points.length === 0) return;
    const scale = chartScales(chart, points);
    const x = event.clientX - chart.getBoundingClientRect().left;
    const nearest = points.reduce((best, point) => Math.abs(scale.x(point.t) - x) < Math.abs(scale.x(best.t) - x) ? point : best);
    const px = scale.x(nearest.t);
    const label = `${formatPercent(nearest.v)}  ${new Date(nearest.t).toLocaleTimeString([], { hour12: false })}`;
    const right = px > scale.width - 170;
    hover.replaceChildren(
      svg("line", { x1: px, x2: px, y1: CHART.top, y2: scale.height - CHART.bottom }),
      svg("circle", { class: "dot", cx: px, cy: scale.y(nearest.v), r: 4 }),
      svg("text", { x: right ? px - 8 : px + 8, y: CHART.top + 12, "text-anchor": right ? "end" : "start" }, label));
    hover.setAttribute("visibility", "visible");
  });
  chart.addEventListener("mouseleave", () => chart.querySelector(".hover")?.setAttribute("visibility", "hidden"));
}

// ---- Traces ------------------------------------------------------------------------------------

function addTrace(summary) {
  const others = (state.traces ?? []).filter((trace) => trace.trace_id !== summary.trace_id);
  state.traces = [summary, ...others]
    .sort((a, b) => Date.parse(b.start_time) - Date.parse(a.start_time))
    .slice(0, TRACE_LIMIT);
  renderTraces(summary.trace_id);
  if (summary.trace_id === state.selectedTrace) showTrace(summary.trace_id);
}

function renderTraces(freshID = null) {
  const container = $("#traces");
  const traces = state.traces ?? [];
  if (traces.length === 0) {
    container.replaceChildren(el("p", { class: "empty" },
      "No recent traces. Record one with ", el("code", {}, "blackhole telemetry exec --name NAME -- COMMAND"),
      " or send spans from an OTLP exporter."));
    return;
  }
  const header = el("tr", {},
    el("th", {}, "Time"), el("th", {}, "Root"), el("th", {}, "Service"), el("th", { class: "num" }, "Duration"),
    el("th", { class: "num" }, "Spans"), el("th", { class: "num" }, "Errors"));
  const rows = traces.map((trace) => {
    const others = (trace.services ?? []).filter((service) => service !== trace.root_service);
    const classes = ["trace", trace.trace_id === state.selectedTrace && "selected", trace.trace_id === freshID && "fresh"];
    return el("tr", {
      class: classes.filter(Boolean).join(" "), "data-trace": trace.trace_id, tabindex: 0,
      title: `trace ${trace.trace_id}`,
      onclick: () => showTrace(trace.trace_id),
      onkeydown: (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); showTrace(trace.trace_id); } },
    },
      el("td", { class: "time" }, formatClock(trace.start_time)),
      el("td", { class: "root" }, trace.root_name, trace.has_root ? null : el("span", { class: "muted" }, " (root missing)")),
      el("td", {}, trace.root_service, others.length ? el("span", { class: "muted" }, ` +${others.length}`) : null),
      el("td", { class: "num" }, formatMs(trace.duration_ms)),
      el("td", { class: "num" }, trace.span_count),
      el("td", { class: trace.error_count > 0 ? "num errors-bad" : "num" }, trace.error_count));
  });
  container.replaceChildren(el("table", {}, el("thead", {}, header), el("tbody", {}, rows)));
}

async function showTrace(id) {
  state.selectedTrace = id;
  renderTraces();
  const box = $("#waterfall");
  if (box.dataset.trace !== id) {
    box.dataset.trace = id;
    box.replaceChildren(el("p", { class: "empty" }, `Loading trace ${id}…`));
  }
  try {
    const detail = await getJSON(`api/traces/${encodeURIComponent(id)}`);
    if (state.selectedTrace === id) renderWaterfall(detail);
  } catch (error) {
    if (state.selectedTrace === id) box.replaceChildren(el("p", { class: "panel-error" }, `Could not load trace ${id}: ${error.message}`));
  }
}

function closeTrace() {
  state.selectedTrace = null;
  delete $("#waterfall").dataset.trace;
  $("#waterfall").replaceChildren();
  renderTraces();
}

/** Nanosecond timestamps exceed a double's precision: BigInt for the differences. */
function nanos(text) {
  try {
    return BigInt(text);
  } catch {
    return 0n;
  }
}

function renderWaterfall(detail) {
  const { trace, spans } = detail;
  const box = $("#waterfall");
  const head = el("div", { class: "waterfall-head" },
    el("span", { class: "title" }, `${trace.root_service}: ${trace.root_name}`),
    el("span", { class: "mono muted" }, trace.trace_id),
    el("span", {}, formatMs(trace.duration_ms)),
    el("span", { class: "muted" }, plural(trace.span_count, "span")),
    trace.error_count > 0 && el("span", { class: "errors-bad" }, plural(trace.error_count, "error")),
    el("span", { class: "muted" }, formatClock(trace.start_time)),
    el("button", { class: "close", type: "button", title: "Close", onclick: closeTrace }, "close"));
  if (!spans || spans.length === 0) {
    box.replaceChildren(head, el("p", { class: "empty" }, "This trace has no stored spans."));
    return;
  }
  const starts = spans.map((span) => nanos(span.start_time_unix_nano));
  const ends = spans.map((span) => nanos(span.end_time_unix_nano));
  const origin = starts.reduce((a, b) => (b < a ? b : a));
  const finish = ends.reduce((a, b) => (b > a ? b : a));
  const total = Math.max(1, Number(finish - origin));
  const percent = (value) => `${((Number(value) / total) * 100).toFixed(3)}%`;

  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const axis = el("div", { class: "span-row axis" }, el("span", {}),
    el("div", { class: "track" }, ticks.map((share) => el("span", { style: `left:${share * 100}%` }, formatMs((total * share) / 1e6)))),
    el("span", {}));
  const rows = spans.map((span, index) => {
    const error = span.status?.code === "error";
    const offset = starts[index] - origin;
    const length = ends[index] > starts[index] ? ends[index] - starts[index] : 0n;
    const tip = [`${span.service}: ${span.name}`, `${formatMs(span.duration_ms)} at +${formatMs(Number(offset) / 1e6)}`,
      error ? `error${span.status.message ? `: ${span.status.message}` : ""}` : null,
      span.orphan ? "parent span not received" : null].filter(Boolean).join("\n");
    return el("div", { class: error ? "span-row error" : "span-row", "data-span": span.span_id, title: tip },
      el("div", { class: "span-label", style: `padding-left:${span.depth * 16}px` },
        el("span", { class: "span-service" }, span.service),
        el("span", { class: "span-name" }, span.name),
        span.orphan ? el("span", { class: "muted" }, " (parent missing)") : null),
      el("div", { class: "track" },
        ticks.slice(1, -1).map((share) => el("span", { class: "tick", style: `left:${share * 100}%` })),
        el("span", { class: "bar", style: `left:${percent(offset)};width:${percent(length)}` })),
      el("span", { class: "span-duration" }, formatMs(span.duration_ms)));
  });
  box.replaceChildren(head, axis, ...rows);
}

// ---- Header overview and the clock -------------------------------------------------------------

function renderOverview() {
  const services = state.health?.services ?? [];
  const down = services.filter((service) => service.status === "unhealthy").length;
  const degraded = services.filter((service) => service.status === "degraded").length;
  const firing = [...state.alerts.values()].filter((entry) => entry.alert.state === "firing");
  const critical = firing.filter((entry) => entry.alert.severity === "critical").length;
  const parts = [];
  if (services.length > 0) {
    parts.push(el("span", {}, el("b", {}, services.length - down - degraded), ` of ${services.length} services healthy`));
  }
  if (down) parts.push(el("span", { class: "bad" }, `${down} unhealthy`));
  if (degraded) parts.push(el("span", { class: "warn" }, `${degraded} degraded`));
  if (critical) parts.push(el("span", { class: "bad" }, plural(critical, "critical alert")));
  $("#overview").replaceChildren(...parts);
}

function tick() {
  for (const node of document.querySelectorAll("[data-ago]")) node.textContent = formatAgo(node.dataset.ago);
  for (const key of Object.keys(METRICS)) if (state.metrics[key]) renderChart(key);
}

// ---- Start -------------------------------------------------------------------------------------

$("#host").textContent = location.host;
for (const key of Object.keys(METRICS)) {
  renderChart(key);
  attachHover(key);
  new ResizeObserver(() => renderChart(key)).observe($(`#${key}-chart`));
}
setInterval(tick, 5000);
refreshAll().then(connect);
