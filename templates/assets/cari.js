/* Search page of the JDIH site (cari/): a small UI on top of Pagefind's JS API.
 *
 * The page carries data-root (relative prefix to the site root) and data-pagefind
 * (relative URL of pagefind.js). Searches run as the user types, on submit and when
 * a filter changes; the query is kept in the address (cari/?q=...&jenis=...), so a
 * search can be linked to and reloaded. Nothing is loaded from other hosts.
 */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var TYPING_DELAY = 250; // ms
  var FILTERS = ["jenis", "tahun", "status"];

  var app = document.getElementById("cari");
  if (!app) return;
  var form = document.getElementById("cari-form");
  var input = document.getElementById("cari-q");
  var statusBox = document.getElementById("cari-pesan");
  var list = document.getElementById("cari-hasil");
  var moreButton = document.getElementById("cari-lagi");
  var failure = document.getElementById("cari-gagal");
  var selects = {};
  FILTERS.forEach(function (name) {
    selects[name] = form.querySelector('select[data-filter="' + name + '"]');
  });

  var root = app.getAttribute("data-root") || "";
  var pagefindUrl = new URL(app.getAttribute("data-pagefind"), document.baseURI).href;
  var pagefind = null;
  var searchCounter = 0;
  var typingTimer = null;
  var pending = [];   // results not yet shown
  var SHARD_FILTER = "jdih_bagian", PRIMARY_SHARD = "utama", PAGES_FILE = "jdih-halaman.json";
  var shardNames = [];   // the shards' names when the catalogue is indexed in shards
  var shardSizes = {};   // pages in each shard
  var shardOfPage = {};  // a page's id (Pagefind's) -> its shard
  var shardPages = Promise.resolve();   // settles once shardOfPage is filled
  var shown = 0;

  // ------------------------------------------------------------------ state

  function currentFilters() {
    var filters = {};
    FILTERS.forEach(function (name) {
      if (selects[name] && selects[name].value) filters[name] = selects[name].value;
    });
    return filters;
  }

  function readAddress() {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    return params;
  }

  function writeAddress(query, filters) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    FILTERS.forEach(function (name) {
      if (filters[name]) params.set(name, filters[name]);
    });
    var search = params.toString();
    var target = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
    if (target === window.location.pathname + window.location.search + window.location.hash) return;
    try {
      window.history.replaceState(null, "", target);
    } catch (e) {
      /* some browsers refuse this on file:// pages; the search still works */
    }
  }

  // ---------------------------------------------------------------- helpers

  function say(text) {
    statusBox.textContent = text;
  }

  function quoted(query) {
    return "\u201c" + query + "\u201d";
  }

  function siteHref(data) {
    var url = data.raw_url || data.url || "";
    if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
      // Absolute URL: keep only its path below the site root that pagefind.js lives in.
      var base = pagefindUrl.replace(/pagefind\/pagefind\.js$/, "");
      url = url.indexOf(base) === 0 ? url.slice(base.length) : new URL(url).pathname;
    }
    return root + url.replace(/^\/+/, "");
  }

  // Pagefind's excerpt is text with <mark> around the matched words. Rebuild it
  // with DOM nodes so that nothing else in it can ever become markup.
  function excerptNodes(excerpt, target) {
    var open = "\u0001", close = "\u0002";
    var marked = String(excerpt || "").replace(/<mark>/g, open).replace(/<\/mark>/g, close);
    var text = new DOMParser().parseFromString("<!doctype html><body>" + marked, "text/html").body.textContent;
    var inMark = false;
    text.split(/([\u0001\u0002])/).forEach(function (part) {
      if (part === open) { inMark = true; return; }
      if (part === close) { inMark = false; return; }
      if (!part) return;
      if (inMark) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        target.appendChild(mark);
      } else {
        target.appendChild(document.createTextNode(part));
      }
    });
  }

  function firstValue(filters, name) {
    var values = filters && filters[name];
    return values && values.length ? values[0] : "";
  }

  function renderResult(data) {
    var item = document.createElement("li");
    item.className = "cari-item";

    var heading = document.createElement("h2");
    heading.className = "cari-judul";
    var link = document.createElement("a");
    link.href = siteHref(data);
    link.textContent = (data.meta && data.meta.title) || siteHref(data);
    heading.appendChild(link);
    item.appendChild(heading);

    var facts = FILTERS.map(function (name) { return firstValue(data.filters, name); })
      .filter(function (value) { return value; });
    if (facts.length) {
      var info = document.createElement("p");
      info.className = "cari-info";
      info.textContent = facts.join(" \u00b7 ");
      item.appendChild(info);
    }

    // A hit inside the document's own text (its PDF, read or recognised) is said so.
    var inDocument = (data.sub_results || []).filter(function (sub) {
      return /#isi-dokumen$/.test(sub.url || "") && sub.locations && sub.locations.length;
    })[0];
    var shown = inDocument && !(data.sub_results || []).some(function (sub) {
      return sub !== inDocument && sub.locations && sub.locations.length;
    }) ? inDocument.excerpt : data.excerpt;
    if (inDocument) {
      var where = document.createElement("p");
      where.className = "cari-di-dokumen";
      where.textContent = "Ditemukan di dalam dokumen";
      item.appendChild(where);
    }
    // A hit inside the text by the article lands on the pasal (or diktum) that holds it (issue 22).
    var article = (data.sub_results || []).filter(function (sub) {
      return /#(pasal|diktum)-[^#]*$/.test(sub.url || "") && sub.locations && sub.locations.length;
    }).sort(function (a, b) { return b.locations.length - a.locations.length; })[0];
    if (article) {
      var where2 = document.createElement("p");
      where2.className = "cari-di-pasal";
      var go = document.createElement("a");
      go.href = siteHref(article);
      go.textContent = "Ditemukan di " + String(article.title || "").replace(/\s*#\s*$/, "");
      where2.appendChild(go);
      item.appendChild(where2);
      shown = article.excerpt || shown;
    }
    if (shown) {
      var excerpt = document.createElement("p");
      excerpt.className = "cari-kutipan";
      excerptNodes(shown, excerpt);
      item.appendChild(excerpt);
    }
    return item;
  }

  // ----------------------------------------------------------------- search

  function clearResults() {
    pending = [];
    shown = 0;
    list.textContent = "";
    moreButton.hidden = true;
  }

  function showMore(counter, focusFirst) {
    var batch = pending.slice(shown, shown + PAGE_SIZE);
    return Promise.all(batch.map(function (result) { return result.data(); })).then(function (items) {
      if (counter !== searchCounter) return;
      var first = null;
      items.forEach(function (data) {
        var node = renderResult(data);
        if (!first) first = node;
        list.appendChild(node);
      });
      shown += batch.length;
      moreButton.hidden = shown >= pending.length;
      if (!moreButton.hidden) {
        var next = Math.min(PAGE_SIZE, pending.length - shown);
        moreButton.textContent = "Tampilkan " + next + " hasil berikutnya";
      }
      if (focusFirst && first) {
        var link = first.querySelector("a");
        if (link) link.focus();
      }
    });
  }

  function runSearch() {
    window.clearTimeout(typingTimer);
    var query = input.value.trim();
    var filters = currentFilters();
    var hasFilters = Object.keys(filters).length > 0;
    writeAddress(query, filters);
    var counter = ++searchCounter;
    if (typeof suggestionBox !== "undefined") { suggestionBox.hidden = true; suggestionBox.textContent = ""; }
    if (!pagefind) return Promise.resolve();
    if (!query && !hasFilters) {
      clearResults();
      say("");
      list.removeAttribute("aria-busy");
      return Promise.resolve();
    }
    list.setAttribute("aria-busy", "true");
    var scoped = Object.assign({ jdih: "produk" }, filters);
    return scopeToShards(query, scoped).then(function (scope) {
      if (!scope) return { results: [] };
      return scope.words ? searchShards(query, scope) : pagefind.search(query || null, { filters: scope.filters });
    }).then(function (search) {
      if (counter !== searchCounter || !search) return;
      clearResults();
      pending = search.results;
      return showMore(counter, false).then(function () {
        if (counter !== searchCounter) return;
        list.removeAttribute("aria-busy");
        var count = pending.length;
        var what = query ? " untuk " + quoted(query) : "";
        var scope = hasFilters ? " dengan saringan yang dipilih" : "";
        if (count === 0) {
          say("Tidak ada produk hukum yang cocok" + what + scope + ". Coba kata lain atau hapus saringan.");
          if (query) suggest(query, counter);
        } else {
          say(count + " produk hukum ditemukan" + what + scope + ".");
        }
      });
    }).catch(function (error) {
      if (counter !== searchCounter) return;
      list.removeAttribute("aria-busy");
      clearResults();
      say("Pencarian gagal. Muat ulang halaman ini lalu coba lagi.");
      if (window.console) console.warn("Pencarian gagal:", error);
    });
  }

  // ------------------------------------------------------------- shards
  // A large catalogue is indexed in shards, each on its own (so that one change re-indexes one shard).
  // One index matches a query word exactly (by its stem) when any page has it, and only otherwise
  // widens it (a longer word, a near one) or, matching nothing, drops it. A shard does the same with
  // its own words, so a shard lacking a word that others have would widen or drop it. Each word is
  // therefore looked up alone, first exactly ("word"), then widened: a shard that does not match a
  // word the way one index would stays out of the answer.
  // Each shard also ranks by its own word statistics (Pagefind's BM25: a word weighs more, its IDF,
  // as fewer pages of the index hold it), so a shard where a word is rare would put pages that only
  // mention it above another shard's pages that carry it in the title. Each result's score is
  // therefore scaled by the IDF of the query's words in the whole catalogue over their IDF in the
  // result's shard (the page counts come from the same look-ups; jdih-halaman.json, written with the
  // index, names each shard's pages).
  function queryWords(query) {
    var seen = {};
    return (query || "").replace(/"/g, " ").toLowerCase().split(/\s+/).filter(function (word) {
      if (!word || seen[word]) return false;
      seen[word] = true;
      return true;
    });
  }

  function pagesPerShard(term) {
    return pagefind.search(term).then(function (search) {
      return (search && search.totalFilters && search.totalFilters[SHARD_FILTER]) || {};
    });
  }

  // The shards that match the word as one index would, and its pages in each (the pages holding the
  // word itself stand for those holding a longer word too, which Pagefind's IDF counts: one search a
  // word where the word is known, as most are, instead of two).
  function wordInShards(word) {
    function holding(pages) {
      return shardNames.filter(function (name) { return pages[name] > 0; });
    }
    return pagesPerShard('"' + word + '"').then(function (exact) {
      var shards = holding(exact);
      if (shards.length) return { shards: shards, pages: exact };
      return pagesPerShard(word).then(function (widened) { return { shards: holding(widened), pages: widened }; });
    });
  }

  // Resolves to { filters } to search with (and, in shards, each known word's pages per shard), or
  // to null when nothing can match.
  function scopeToShards(query, scoped) {
    var words = queryWords(query);
    if (shardNames.length < 2 || words.length === 0) return Promise.resolve({ filters: scoped });
    return Promise.all(words.map(wordInShards)).then(function (found) {
      var allowed = shardNames.slice();
      var known = found.filter(function (word) { return word.shards.length > 0; });
      known.forEach(function (word) {   // a word no shard knows is dropped, as one index drops it
        allowed = allowed.filter(function (name) { return word.shards.indexOf(name) >= 0; });
      });
      if (!allowed.length) return null;
      var filters = Object.assign({}, scoped);
      filters[SHARD_FILTER] = { any: allowed };
      return { filters: filters, words: known.map(function (word) { return word.pages; }) };
    });
  }

  function idf(pages, matching) {   // Pagefind's own: never negative
    return Math.log((pages - matching + 0.5) / (matching + 0.5) + 1);
  }

  function sum(values) {
    return values.reduce(function (total, value) { return total + value; }, 0);
  }

  function searchShards(query, scope) {
    var catalogue = sum(shardNames.map(function (name) { return shardSizes[name] || 0; }));
    var whole = sum(scope.words.map(function (pages) {
      return idf(catalogue, sum(shardNames.map(function (name) { return pages[name] || 0; })));
    }));
    var scale = {};
    shardNames.forEach(function (name) {
      var own = sum(scope.words.map(function (pages) { return idf(shardSizes[name] || 0, pages[name] || 0); }));
      scale[name] = own > 0 ? whole / own : 1;
    });
    return Promise.all([pagefind.search(query, { filters: scope.filters }), shardPages]).then(function (done) {
      var search = done[0];
      var ranked = ((search && search.results) || []).map(function (result) {
        return { result: result, score: result.score * (scale[shardOfPage[result.id]] || 1) };
      });
      ranked.sort(function (a, b) { return b.score - a.score; });   // stable: ties keep Pagefind's order
      return { results: ranked.map(function (item) { return item.result; }) };
    });
  }

  // ------------------------------------------------------- did you mean
  // Pagefind has no typo tolerance: on an empty result, the closest words of the catalogue (kosakata.json).
  var vocabulary = null;
  var suggestionBox = document.createElement("p");
  suggestionBox.className = "cari-saran";
  suggestionBox.hidden = true;
  statusBox.parentNode.insertBefore(suggestionBox, statusBox.nextSibling);

  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var previous = [], current, i, j;
    for (j = 0; j <= b.length; j++) previous.push(j);
    for (i = 1; i <= a.length; i++) {
      current = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        current.push(Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost));
        best = Math.min(best, current[j]);
      }
      if (best > limit) return limit + 1;
      previous = current;
    }
    return previous[b.length];
  }

  function closest(word) {
    var limit = word.length <= 5 ? 1 : 2, found = [];
    vocabulary.forEach(function (entry) {
      var d = distance(word, entry[0], limit);
      if (d > 0 && d <= limit) found.push({ word: entry[0], d: d, n: entry[1] });
    });
    found.sort(function (x, y) { return x.d - y.d || y.n - x.n; });
    return found.slice(0, 3).map(function (x) { return x.word; });
  }

  function suggest(query, counter) {
    var load = vocabulary ? Promise.resolve() : fetch(root + "cari/kosakata.json").then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (words) { vocabulary = words; });
    load.then(function () {
      if (counter !== searchCounter) return;
      var known = {};
      vocabulary.forEach(function (entry) { known[entry[0]] = true; });
      var words = query.toLowerCase().split(/\s+/).filter(Boolean);
      var options = words.map(function (w) { return known[w] || w.length < 4 ? [w] : closest(w); });
      if (!options.some(function (o, i) { return o.length && o[0] !== words[i]; })) return;
      var fixed = options.map(function (o, i) { return o[0] || words[i]; }).join(" ");
      suggestionBox.textContent = "Mungkin maksud Anda: ";
      var link = document.createElement("a");
      link.href = "?q=" + encodeURIComponent(fixed);
      link.textContent = fixed;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        input.value = fixed;
        runSearch();
      });
      suggestionBox.appendChild(link);
      suggestionBox.hidden = false;
    }).catch(function () { /* no suggestion: the message already says to try other words */ });
  }

  function scheduleSearch() {
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(runSearch, TYPING_DELAY);
  }

  // ---------------------------------------------------------------- filters

  function fillFilter(name, counts, wanted) {
    var select = selects[name];
    if (!select) return;
    var values = Object.keys(counts || {});
    if (name === "tahun") {
      values.sort(function (a, b) { return b.localeCompare(a, "id", { numeric: true }); });
    } else {
      values.sort(function (a, b) { return a.localeCompare(b, "id"); });
    }
    values.forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value + " (" + counts[value] + ")";
      select.appendChild(option);
    });
    if (wanted && values.indexOf(wanted) !== -1) select.value = wanted;
  }

  // ------------------------------------------------------------------ start

  function fail(error) {
    form.hidden = true;
    failure.hidden = false;
    clearResults();
    say("");
    if (window.console) console.warn("Pagefind tidak dapat dimuat:", error);
  }

  function start() {
    var params = readAddress();
    form.hidden = false;
    // On a phone the filters are folded, so that the results are in view (unless one is in use).
    var fold = document.getElementById("cari-lipat");
    if (fold && window.matchMedia && window.matchMedia("(max-width: 40rem)").matches &&
        !FILTERS.some(function (name) { return params.get(name); })) {
      fold.open = false;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      runSearch();
    });
    input.addEventListener("input", scheduleSearch);
    FILTERS.forEach(function (name) {
      if (selects[name]) selects[name].addEventListener("change", runSearch);
    });
    moreButton.addEventListener("click", function () {
      showMore(searchCounter, true);
    });

    var loading;
    try {
      loading = import(pagefindUrl);
    } catch (error) {
      fail(error);
      return;
    }
    loading.then(function (module) {
      pagefind = module;
      // A large catalogue is indexed in shards (by year); the others are merged into the primary,
      // each marked with its name (a filter every page of the shard gets), see scopeToShards.
      return fetch(new URL("jdih-shards.json", pagefindUrl).href).then(function (response) {
        return response.ok ? response.json() : [];
      }, function () { return []; });
    }).then(function (shards) {
      shards = Array.isArray(shards) ? shards : [];
      var options = { excerptLength: 30 };
      if (shards.length) {
        shardNames = [PRIMARY_SHARD].concat(shards);
        options.mergeFilter = {};
        options.mergeFilter[SHARD_FILTER] = PRIMARY_SHARD;
      }
      if (shards.length) {   // not waited for here: only a search in shards needs it
        shardPages = fetch(new URL(PAGES_FILE, pagefindUrl).href).then(function (response) {
          return response.ok ? response.json() : [];
        }).then(function (listed) {
          (Array.isArray(listed) ? listed : []).forEach(function (ids, number) {
            if (Array.isArray(ids) && number < shardNames.length) ids.forEach(function (id) { shardOfPage[id] = shardNames[number]; });
          });
        }, function () { /* unlisted pages keep Pagefind's own score */ });
      }
      return pagefind.options(options).then(function () {
        return Promise.all(shards.map(function (path) {
          var mark = {};
          mark[SHARD_FILTER] = path;
          return pagefind.mergeIndex(new URL(path, pagefindUrl).href, { mergeFilter: mark });
        }));
      });
    }).then(function () {
      pagefind.init();
      return pagefind.filters();
    }).then(function (available) {
      shardSizes = (available && available[SHARD_FILTER]) || {};
      FILTERS.forEach(function (name) {
        fillFilter(name, available && available[name], params.get(name));
      });
      return runSearch();
    }).catch(fail);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
