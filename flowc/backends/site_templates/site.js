// The copy buttons, the graph's zoom and pan, and the index's search, filter and sort.
// Nothing here loads anything; every page works without it too.
document.querySelectorAll("button.copy").forEach(function (button) {
  button.addEventListener("click", function () {
    var text = new URL(button.getAttribute("data-copy"), document.baseURI).href;
    function done() {
      button.setAttribute("data-copied", text);
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    }
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); done(); } catch (err) { window.prompt("Copy this URL:", text); }
      document.body.removeChild(area);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  });
});

// The graph is drawn at a readable scale (never below READABLE of its size, however
// wide it is) inside a box that scrolls; the buttons and the keys + - 0 f zoom, and
// dragging pans.
(function () {
  var READABLE = 0.75, MIN = 0.1, MAX = 4;
  document.querySelectorAll("figure.graph-figure").forEach(function (figure) {
    var box = figure.querySelector(".graph"), svg = box && box.querySelector("svg");
    var tools = figure.querySelector(".graph-tools"), level = figure.querySelector(".zoom-level");
    if (!svg) { return; }
    var width = svg.width.baseVal.value, height = svg.height.baseVal.value;
    if (!width || !height) { return; }
    var scale = 1;
    function fit() { return Math.min(1, (box.clientWidth - 26) / width); }
    function zoom(to) {
      var s = Math.max(MIN, Math.min(MAX, to));
      var cx = (box.scrollLeft + box.clientWidth / 2) / scale, cy = (box.scrollTop + box.clientHeight / 2) / scale;
      scale = s;
      svg.style.width = (width * s) + "px";
      svg.style.height = (height * s) + "px";
      box.scrollLeft = cx * s - box.clientWidth / 2;
      box.scrollTop = cy * s - box.clientHeight / 2;
      box.setAttribute("data-scale", s.toFixed(3));
      if (level) { level.textContent = Math.round(s * 100) + "%"; }
    }
    zoom(Math.max(fit(), READABLE));
    var start = svg.querySelector("#n-call");  // where the call arrives: in view first
    if (start) {
      var at = start.getBoundingClientRect(), frame = box.getBoundingClientRect();
      box.scrollLeft += at.left - frame.left - 16;
      box.scrollTop += at.top + at.height / 2 - frame.top - box.clientHeight / 2;
    }
    tools.hidden = false;
    tools.addEventListener("click", function (event) {
      var what = event.target.getAttribute("data-zoom");
      if (what === "in") { zoom(scale * 1.25); }
      else if (what === "out") { zoom(scale / 1.25); }
      else if (what === "fit") { zoom(fit()); }
      else if (what) { zoom(Number(what)); }
    });
    box.addEventListener("keydown", function (event) {
      var keys = {"+": 1.25, "=": 1.25, "-": 0.8};
      if (keys[event.key]) { zoom(scale * keys[event.key]); event.preventDefault(); }
      else if (event.key === "0") { zoom(1); event.preventDefault(); }
      else if (event.key === "f") { zoom(fit()); event.preventDefault(); }
    });
    var drag = null;
    box.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 || event.target.closest("a")) { return; }
      drag = {x: event.clientX, y: event.clientY, left: box.scrollLeft, top: box.scrollTop};
      box.classList.add("dragging");
    });
    window.addEventListener("pointermove", function (event) {
      if (!drag) { return; }
      box.scrollLeft = drag.left - (event.clientX - drag.x);
      box.scrollTop = drag.top - (event.clientY - drag.y);
    });
    window.addEventListener("pointerup", function () { drag = null; box.classList.remove("dragging"); });
  });
})();

// The index: search (flow, file, code), a filter by problems, and sorting.
(function () {
  var form = document.querySelector("form.controls"), body = document.querySelector("table.flows tbody");
  if (!form || !body) { return; }
  var rows = Array.prototype.slice.call(body.querySelectorAll("tr[data-flow]"));
  var search = form.querySelector("#search"), filter = form.querySelector("#filter");
  var sort = form.querySelector("#sort"), shown = form.querySelector("#shown");
  function number(row, key) { return Number(row.getAttribute("data-" + key)); }
  function update() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean), count = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-search").toLowerCase();
      var errors = number(row, "errors"), problems = errors + number(row, "warnings");
      var keep = words.every(function (w) { return text.indexOf(w) >= 0; }) && (
        filter.value === "all" || (filter.value === "problems" && problems > 0) ||
        (filter.value === "errors" && errors > 0) || (filter.value === "clean" && problems === 0));
      row.hidden = !keep;
      if (keep) { count += 1; }
    });
    var order = rows.slice();
    if (sort.value === "problems") {
      order.sort(function (a, b) {
        return number(b, "errors") - number(a, "errors") || number(b, "warnings") - number(a, "warnings");
      });
    } else if (sort.value === "steps") {
      order.sort(function (a, b) { return number(b, "steps") - number(a, "steps"); });
    }
    order.forEach(function (row) { body.appendChild(row); });
    shown.textContent = count + " of " + rows.length + " flows shown";
  }
  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  [search, filter, sort].forEach(function (el) { el.addEventListener("input", update); el.addEventListener("change", update); });
  update();
})();
