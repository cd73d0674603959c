/* Cek keaslian dokumen: the chosen file's sha256, computed here (Web Crypto; nothing is uploaded),
 * looked up in the static index the build writes (cek/indeks/indeks.json names the shard to read). */
(function () {
  "use strict";
  var app = document.getElementById("cek");
  if (!app) return;
  app.hidden = false;
  var input = document.getElementById("cek-berkas");
  var zone = document.getElementById("cek-pilih");
  var out = document.getElementById("cek-hasil");
  var index = new URL(app.getAttribute("data-indeks"), document.baseURI);
  var root = new URL(app.getAttribute("data-root"), document.baseURI);

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function say(kind, title, lines) {
    out.textContent = "";
    var box = el("div", "cek-kotak cek-" + kind);
    box.appendChild(el("p", "cek-kesimpulan", title));
    (lines || []).forEach(function (line) { box.appendChild(typeof line === "string" ? el("p", "", line) : line); });
    out.appendChild(box);
  }

  if (!window.crypto || !window.crypto.subtle || !window.fetch) {
    input.disabled = true;
    say("galat", "Peramban ini tidak dapat menghitung sidik berkas.", [
      "Buka halaman ini melalui alamat https, atau gunakan peramban yang lebih baru."]);
    return;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function match(entry) {
    var item = el("div", "cek-produk");
    var title = el("p", "cek-produk-judul");
    var link = el("a", "", entry.judul);
    link.href = new URL(entry.url, root).href;
    title.appendChild(link);
    item.appendChild(title);
    var facts = [entry.jenis, entry.nomor ? "Nomor " + entry.nomor : "", "Tahun " + entry.tahun,
                 entry.status ? "Status: " + entry.status : ""].filter(Boolean).join(" · ");
    item.appendChild(el("p", "cek-produk-meta", facts));
    item.appendChild(el("p", "cek-produk-berkas", "Berkas: " + entry.berkas));
    if (entry.validasi && entry.validasi.length) {
      var table = el("table", "cek-validasi tumpuk");
      table.appendChild(el("caption", "", "Divalidasi sesuai SOP"));
      var head = el("tr");
      var labels = ["Langkah", "Peran", "Nama", "Waktu"];
      labels.forEach(function (h) {
        var th = el("th", "", h); th.scope = "col"; head.appendChild(th);
      });
      var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
      var body = el("tbody");
      entry.validasi.forEach(function (v) {
        var row = el("tr");
        var who = v.tte ? v.oleh + " (" + v.tte + ")" : v.oleh;
        [v.langkah + ". " + v.kegiatan, v.peran, who, v.waktu].forEach(function (c, i) {
          var cell = el("td", "", c);
          cell.setAttribute("data-label", labels[i]);
          row.appendChild(cell);
        });
        body.appendChild(row);
      });
      table.appendChild(body);
      var wrap = el("div", "gulir"); wrap.appendChild(table);
      item.appendChild(wrap);
    }
    return item;
  }

  function check(file) {
    if (!file) return;
    say("proses", "Menghitung sidik " + file.name + " …");
    file.arrayBuffer().then(function (bytes) {
      return window.crypto.subtle.digest("SHA-256", bytes);
    }).then(function (digest) {
      var sha = hex(digest);
      return fetch(new URL("indeks.json", index).href).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }).then(function (info) {
        return fetch(new URL(sha.slice(0, info.awalan) + ".json", index).href);
      }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }).then(function (found) {
        var entries = found[sha];
        var fingerprint = el("p", "cek-sidik", "Sidik sha256 berkas: " + sha);
        var revoked = (entries || []).filter(function (e) { return e.status && e.status !== "Berlaku"; });
        if (revoked.length) {
          say("dicabut", "Cocok, tetapi TIDAK BERLAKU: berkas " + file.name + " sama persis dengan dokumen yang " +
              "diterbitkan di situs ini, dan dokumen itu tidak berlaku lagi.",
              revoked.map(function (e) {
                return el("p", "cek-status-dicabut", "Status: " + e.status + (e.keterangan ? " (" + e.keterangan + ")" : ""));
              }).concat(entries.map(match)).concat([fingerprint]));
        } else if (entries && entries.length) {
          say("cocok", "Cocok: berkas " + file.name + " sama persis dengan dokumen yang diterbitkan di situs ini.",
              entries.map(match).concat([fingerprint]));
        } else {
          say("tidak", "Tidak ditemukan: berkas " + file.name + " bukan dokumen yang diterbitkan di situs ini.", [
            "Mungkin berkas ini telah diubah (sekecil apa pun perubahannya, sidiknya berbeda), berasal dari instansi lain, " +
            "atau belum diterbitkan. Jangan menganggapnya sah; unduh dokumennya langsung dari halaman produknya.",
            fingerprint]);
        }
      });
    }).catch(function (error) {
      // Words for people, not the browser's ("TypeError: Failed to fetch"): a network failure is the usual cause.
      var http = /^HTTP (\d+)/.exec(String(error && error.message));
      say("galat", "Pemeriksaan gagal.", [http
        ? "Daftar sidik dokumen tidak dapat diambil dari situs ini (kode " + http[1] + "). Muat ulang halaman ini, " +
          "atau coba lagi nanti."
        : "Daftar sidik dokumen tidak dapat diambil. Periksa sambungan internet Anda, lalu pilih berkasnya lagi."]);
    });
  }

  input.addEventListener("change", function () { check(input.files && input.files[0]); });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("cek-seret"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("cek-seret"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    check(event.dataTransfer && event.dataTransfer.files && event.dataTransfer.files[0]);
  });
})();
