/* Live countdown for every element with data-due (an ISO 8601 instant).
   Shows hours:minutes:seconds left; the labels come from the page, already translated. */
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var left = Date.parse(el.getAttribute("data-due")) - now;
      var row = el.closest("tr");
      if (left <= 0) {
        el.textContent = el.getAttribute("data-expired-label") || "0:00:00";
        el.classList.add("countdown-over");
        if (row) { row.classList.add("overdue"); }
        return;
      }
      var s = Math.floor(left / 1000);
      el.textContent = Math.floor(s / 3600) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
      var urgent = parseFloat(el.getAttribute("data-urgent-hours") || "0") * 3600000;
      if (row && left <= urgent) { row.classList.add("highlight"); }
    });
  }
  tick();
  window.setInterval(tick, 1000);
})();
