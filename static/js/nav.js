/* The main navigation folds into a "Menú" button on narrow screens (a disclosure button:
   Enter/Space toggle it, Escape closes it and returns focus). Without JavaScript the
   navigation simply stays open: the page marks itself with the "js" class only here. */
(function () {
  "use strict";
  var button = document.querySelector(".navtoggle");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) { return; }
  document.documentElement.classList.add("js");
  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  }
  button.addEventListener("click", function () { set(button.getAttribute("aria-expanded") !== "true"); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") { set(false); button.focus(); }
  });
})();
