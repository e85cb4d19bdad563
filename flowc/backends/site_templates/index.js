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
