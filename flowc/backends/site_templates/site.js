// The copy buttons (every page). graph.js and index.js follow it on the pages that
// need them. Nothing here loads anything; every page works without it too.
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

