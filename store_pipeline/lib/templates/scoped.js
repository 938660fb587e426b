// Draws a scoped report (one store's day, one region's week) from the figures embedded in the
// page, for the store or region named in the address (#store=S001, #region=North&store=S001)
// or chosen in the selector. Offline: no request leaves the page. POS text is set as text
// (textContent), and escaped in chart labels, which plotly.js reads as HTML.
(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("scope-data").textContent);
  const NA = "n/a";
  const grouped = (digits) => new Intl.NumberFormat("en-US", {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  });
  const FORMATS = {
    money: grouped(2).format, count: grouped(0).format, hours: grouped(2).format,
    number: grouped(1).format, pct: (v) => `${(v * 100).toFixed(1)}%`,
    signed_pct: (v) => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}%`, text: String,
  };
  const COLORS = {
    primary: "#0969da", muted: "#afb8c1", bad: "#cf222e", warn: "#bf8700", ink: "#1f2328",
  };
  const CONFIG = {responsive: true, displaylogo: false};
  const LAYOUT = {
    font: {family: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size: 12},
    paper_bgcolor: "white", plot_bgcolor: "white", margin: {l: 8, r: 8, t: 28, b: 8},
    hoverlabel: {align: "left"}, legend: {orientation: "h", y: 1.02, yanchor: "bottom", x: 0},
    xaxis: {gridcolor: "#eaeef2", automargin: true}, yaxis: {gridcolor: "#eaeef2", automargin: true},
  };
  const SECOND_AXIS = {overlaying: "y", side: "right", showgrid: false, rangemode: "tozero"};

  const missing = (value) => value === null || value === undefined || Number.isNaN(value);
  const show = (value, format) => (missing(value) ? NA : FORMATS[format](value));
  const escape = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
  const byId = (id) => document.getElementById(id);

  function element(tag, text, attributes = {}) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    return node;
  }

  function fill(id, ...children) {
    byId(id).replaceChildren(...children);
  }

  // Tiles as Python formatted them: [key, label, value, text, [[delta, css, against], ...]].
  function tiles(items) {
    return items.map(([key, label, value, text, deltas]) => {
      const tile = element("div", undefined, {class: "tile", "data-kpi": key});
      if (!missing(value)) tile.dataset.value = String(value);
      tile.append(element("div", label, {class: "label"}), element("div", text, {class: "value"}));
      for (const [change, css, against] of deltas) {
        const line = element("div", `${change} `, {class: `delta ${css}`});
        line.append(element("span", against));
        tile.append(line);
      }
      return tile;
    });
  }

  // A table of ``rows`` (columns of values) with ``columns`` [key, header, format]; a row whose
  // ``flag`` column is true is marked.
  function table(columns, rows, flag) {
    const count = rows[columns[0][0]].length;
    if (!count) return element("p", "None.", {class: "note"});
    const head = element("tr");
    for (const [, header, format] of columns) {
      head.append(element("th", header, format === "text" ? {} : {class: "num"}));
    }
    const body = [head];
    for (let i = 0; i < count; i += 1) {
      const row = element("tr", undefined, flag && rows[flag][i] ? {class: "flagged"} : {});
      for (const [key, , format] of columns) {
        const value = rows[key][i];
        const cell = element("td", format === "text" ? String(value ?? "") : show(value, format));
        if (format !== "text") {
          cell.className = "num";
          if (!missing(value)) cell.dataset.value = String(value);
        }
        row.append(cell);
      }
      body.push(row);
    }
    const wrap = element("div", undefined, {class: "scroll"});
    const grid = element("table");
    grid.append(...body);
    wrap.append(grid);
    return wrap;
  }

  function chart(id, traces, layout, height) {
    const div = byId(id);
    div.style.height = `${height}px`;
    const axes = {
      xaxis: {...LAYOUT.xaxis, ...layout.xaxis}, yaxis: {...LAYOUT.yaxis, ...layout.yaxis},
    };
    Plotly.react(div, traces, {...LAYOUT, ...layout, ...axes, height}, CONFIG);
  }

  function hoursAxis(hours) {
    return hours.map((hour) => `${String(hour).padStart(2, "0")}:00`);
  }

  function drawStoreDay(store) {
    fill("tiles", ...tiles(store.tiles));
    const hours = store.hours;
    const labels = hoursAxis(hours.hour);
    chart("sales-by-hour", [
      {type: "bar", x: labels, y: hours.net_sales, name: "Net sales",
       marker: {color: COLORS.primary}, hovertemplate: "%{y:,.2f}"},
      {type: "scatter", x: labels, y: hours.transactions, name: "Transactions", yaxis: "y2",
       mode: "lines+markers", line: {color: COLORS.warn}, hovertemplate: "%{y:,}"},
    ], {hovermode: "x unified", xaxis: {type: "category"}, yaxis: {title: {text: "Net sales"}},
        yaxis2: {...SECOND_AXIS, title: {text: "Transactions"}}}, 340);
    const verdict = {under: COLORS.bad, over: COLORS.warn, ok: COLORS.primary, "": COLORS.muted};
    chart("staffing-by-hour", [
      {type: "bar", x: labels, y: hours.sales_per_labor_hour, name: "Sales per labour hour",
       marker: {color: hours.staffing.map((status) => verdict[status])},
       hovertext: labels.map((hour, i) => `<b>${hour}</b><br>Staffing: ${
         hours.staffing_text[i]}<br>Labour hours: ${show(hours.labor_hours[i], "hours")}`),
       hovertemplate: "%{hovertext}<br>SPLH: %{y:,.2f}<extra></extra>"},
      {type: "scatter", x: labels, y: hours.staff_on_clock, name: "Staff on the clock",
       yaxis: "y2", mode: "lines+markers", line: {color: COLORS.ink}, hovertemplate: "%{y}"},
    ], {xaxis: {type: "category"}, yaxis: {title: {text: "Sales per labour hour"}},
        yaxis2: {...SECOND_AXIS, title: {text: "Staff"}, dtick: 1}}, 340);
    fill("staffing-hours", table(data.columns.hours, hours, "is_flagged"));
    const tenders = store.tenders;
    chart("tender-mix", [{
      type: "pie", labels: tenders.tender_type.map(escape), values: tenders.amount, hole: 0.5,
      sort: false, texttemplate: "%{percent:.1%}", textposition: "inside",
    }], {}, 280);
    fill("tender-table", table(data.columns.tenders, tenders));
    const products = store.products;
    chart("top-products", [{
      type: "bar", orientation: "h", y: products.sku.map(escape), x: products.net_sales,
      marker: {color: COLORS.primary},
      hovertext: products.product_name.map(escape), hovertemplate: "%{hovertext}<br>%{x:,.2f}<extra></extra>",
    }], {yaxis: {autorange: "reversed", type: "category", tickvals: products.sku.map(escape),
                 ticktext: products.product_name.map((name) => escape(name.slice(0, 30)))},
         xaxis: {title: {text: "Net sales"}}}, 120 + 30 * products.sku.length);
    fill("discounts-returns", table(data.columns.sales, store.sales));
    fill("employees", table(data.columns.employees, store.employees));
    fill("cashier-exceptions", table(data.columns.cashiers, store.cashiers, "is_flagged"));
    fill("cash-over-short", table(data.columns.batches, store.batches, "is_flagged"));
    for (const [id, text] of Object.entries(store.notes)) fill(id, element("span", text));
  }

  function drawRegionWeek(region, storeCode) {
    fill("tiles", ...tiles(region.tiles));
    const ranked = region.ranking;
    const codes = ranked.store_code.map(escape);
    chart("stores-ranked", [
      {type: "bar", orientation: "h", y: codes, x: ranked.net_sales, name: "Net sales",
       marker: {color: COLORS.primary}, hovertemplate: "%{y}: %{x:,.2f}<extra></extra>"},
      {type: "scatter", y: codes, x: ranked.net_sales_last_week, mode: "markers",
       name: "Last week", marker: {symbol: "line-ns-open", size: 11, color: COLORS.ink,
                                   line: {width: 2}}, hovertemplate: "%{x:,.2f}<extra></extra>"},
    ], {yaxis: {autorange: "reversed", type: "category"}, xaxis: {title: {text: "Net sales"}}},
    120 + 30 * codes.length);
    fill("ranking", table(data.columns.ranking, ranked));
    const picker = byId("store-select");
    picker.replaceChildren(...ranked.store_code.map((code, i) => element(
      "option", `${code} ${ranked.store_name[i]}`, {value: code})));
    const store = ranked.store_code.includes(storeCode) ? storeCode : ranked.store_code[0];
    picker.value = store;
    const reorder = data.reorder[store];
    fill("reorder", table(data.columns.reorder, reorder));
    fill("reorder-note", element("span", data.reorder_notes[store]));
  }

  const DRAW = {store_day: drawStoreDay, region_week: drawRegionWeek};

  function wanted() {
    return new URLSearchParams(window.location.hash.slice(1));
  }

  function draw() {
    const params = wanted();
    const asked = params.get(data.param);
    const key = asked in data.items ? asked : data.scopes[0][0];
    const scope = byId("scope");
    scope.value = key;
    const [, label] = data.scopes.find(([option]) => option === key);
    fill("scope-name", element("span", label));
    fill("scope-note", asked && asked !== key
      ? element("span", `No ${data.param} ${asked} in this report: showing ${key}.`) : "");
    document.title = `${data.title} — ${label}`;
    document.body.dataset.scope = key;
    DRAW[data.kind](data.items[key], params.get("store"));
  }

  function go(params) {
    window.location.hash = new URLSearchParams(params).toString();
  }

  const scope = byId("scope");
  let group = null;
  for (const [key, label, heading] of data.scopes) {
    if (heading && (!group || group.label !== heading)) {
      group = element("optgroup", undefined, {label: heading});
      scope.append(group);
    }
    (group || scope).append(element("option", label, {value: key}));
  }
  // A new region starts on its best store; a store of the region keeps the region.
  scope.addEventListener("change", () => go({[data.param]: scope.value}));
  const storePicker = byId("store-select");
  if (storePicker) {
    storePicker.addEventListener("change", () => go({
      [data.param]: scope.value, store: storePicker.value}));
  }
  window.addEventListener("hashchange", draw);
  draw();
})();
