/* The 404 page: an old site's address that a product now answers (alamat-lama.json) is forwarded to
   its new page; any other address stays on this page. */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script ? new URL(script.getAttribute("data-root") || "/", window.location.href) : null;
  if (!root || !window.fetch) return;
  var here = window.location.pathname + window.location.search;
  fetch(new URL("alamat-lama.json", root).href).then(function (response) {
    return response.ok ? response.json() : {};
  }).then(function (known) {
    var target = known[here];
    if (typeof target === "string" && target.charAt(0) === "/" && target.charAt(1) !== "/") {
      window.location.replace(target);
    }
  }).catch(function () { /* no list: nothing to forward */ });
}());
