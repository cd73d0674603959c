// The text by the article: a pasal's "#" link also copies its full address, to cite or share it.
(function () {
  "use strict";
  var message = document.getElementById("naskah-pesan");
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.salin");
    if (!link || !navigator.clipboard) return;
    var address = location.href.split("#")[0] + link.getAttribute("href");
    navigator.clipboard.writeText(address).then(function () {
      if (!message) return;
      message.hidden = false;
      message.textContent = "Tautan disalin: " + address;
      setTimeout(function () { message.hidden = true; message.textContent = ""; }, 4000);
    }, function () { /* no permission: the link still leads to the pasal */ });
  });
})();
