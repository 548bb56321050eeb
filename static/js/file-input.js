/* File inputs show our own Spanish button and the chosen file's name (core/widgets/
   file_input.html). Without JavaScript the browser's own input stays visible instead:
   the page marks itself with "js-files" only here. */
(function () {
  "use strict";
  var inputs = document.querySelectorAll(".file-input input[type=file]");
  if (!inputs.length) { return; }
  document.documentElement.classList.add("js-files");
  inputs.forEach(function (input) {
    var name = input.parentNode.querySelector(".file-input-name");
    var none = name.textContent;
    input.addEventListener("change", function () {
      var files = Array.prototype.map.call(input.files, function (file) { return file.name; });
      name.textContent = files.length ? files.join(", ") : none;
    });
  });
})();
