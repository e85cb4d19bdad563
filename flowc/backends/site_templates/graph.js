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

