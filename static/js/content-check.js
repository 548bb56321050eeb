/* The content checker (contentrules), live: for each [data-content-check] panel, the text
   field of its form is sent (debounced) to the panel's URL with the network, and the panel's
   results are replaced by the HTML the server renders: the same template as without
   JavaScript, escaped by the server. If a request fails, the results stay as they were and
   the "Revisar" button keeps working. */
(function () {
  "use strict";
  var DELAY = 400;

  function networkOf(form, panel) {
    var name = panel.getAttribute("data-network-field");
    if (!name || !form.elements[name]) { return ""; }
    var value = form.elements[name].value;
    var mapId = panel.getAttribute("data-network-map");
    if (!mapId) { return value; }
    var node = document.getElementById(mapId);
    var map = node ? JSON.parse(node.textContent) : {};
    return map[value] || "";
  }

  function attach(panel) {
    var form = panel.closest("form");
    var field = form && form.elements[panel.getAttribute("data-text-field")];
    var output = panel.querySelector(".check-output");
    if (!field || !output) { return; }
    var timer = null;
    var sent = 0;

    function run() {
      var token = form.elements.csrfmiddlewaretoken;
      var body = new FormData();
      body.append("texto", field.value);
      body.append("red", networkOf(form, panel));
      if (panel.hasAttribute("data-in-consultation")) { body.append("consulta", "1"); }
      var mine = ++sent;
      fetch(panel.getAttribute("data-content-check"), {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", "X-Requested-With": "fetch" }
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (data && mine === sent) { output.innerHTML = data.html; }
      }).catch(function () { /* offline or signed out: the button still works */ });
    }

    function schedule() {
      window.clearTimeout(timer);
      if (!field.value.trim()) { return; }
      timer = window.setTimeout(run, DELAY);
    }

    field.addEventListener("input", schedule);
    var networkName = panel.getAttribute("data-network-field");
    if (networkName && form.elements[networkName]) {
      form.elements[networkName].addEventListener("change", schedule);
    }
    panel.classList.add("check-live");
  }

  document.querySelectorAll("[data-content-check]").forEach(attach);
})();
